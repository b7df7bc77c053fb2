#!/usr/bin/env python3
"""The one command union staff run: check, build and preview the catalogue.

Staff use it through make (make check, make serve, make new), which sets up
.venv first; every message names those same commands.

    python build.py check            # 检查 classes/ 下所有班级文件（make check）
    python build.py new ID --district FOLDER   # make new ID=... DISTRICT=...
    python build.py schema           # 重新生成 classes/program.schema.json
    python build.py verify-lottery FILE   # 核对公示的摇号结果
    python build.py build [--out DIR] [--published DIR]   # 检查通过后生成网站（默认 site/，摇号公示取自 published/）
    python build.py serve [--drafts]      # 本地预览，改了班级文件自动刷新（make serve）
"""

import argparse
import difflib
import json
import logging
import os
import re
import sys
from pathlib import Path

from programs.loader import CHECK_COMMAND, load_catalogue, program_files
from programs.lottery import verify
from programs.model import SLUG
from programs.schema import SCHEMA_FILE, schema_text
from programs.template import program_template

ROOT = Path(__file__).resolve().parent
DEFAULT_CLASSES = "classes"


def check(args):
    return report(load_catalogue(args.classes))


def report(catalogue):
    """Errors, warnings and notes in file and line order, so staff fix a file top to bottom."""
    order = {"error": 0, "note": 1, "warning": 2}
    for issue in sorted(catalogue.problems + catalogue.notices, key=lambda i: (i.path, i.line, order[i.level])):
        print(issue)
    if not catalogue.ok:
        print(f"发现 {len(catalogue.problems)} 个问题，请修改后再运行 {CHECK_COMMAND}。", file=sys.stderr)
        return 1
    print(catalogue.summary())
    return 0


def schema(args):
    target = Path(args.classes) / SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"已写入 {target}")
    return 0


def new(args):
    if not re.match(SLUG, args.program_id):
        print(f"班级编号“{args.program_id}”无效：只能用小写字母、数字和连字符，如 wangjing-2027-summer", file=sys.stderr)
        return 2
    if not re.match(SLUG, args.district):
        print(f"目录名“{args.district}”无效：只能用小写字母、数字和连字符，如 beijing-chaoyang", file=sys.stderr)
        return 2
    folder = Path(args.classes) / args.district
    target = folder / f"{args.program_id}.yaml"
    if any(path.stem == args.program_id for path in program_files(args.classes)):
        print(f"班级编号“{args.program_id}”已存在，请换一个。", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(program_template(args.program_id, f"../{SCHEMA_FILE}"), encoding="utf-8")
    print(f"已生成 {target}：把其中的“【待填写】”换成实际内容，再运行 {CHECK_COMMAND}")
    return 0


def verify_lottery(args):
    try:
        record = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"无法读取公示文件 {args.file}：{error}", file=sys.stderr)
        return 2
    problems = verify(record) if isinstance(record, dict) else ["公示文件应是一个 JSON 对象"]
    for problem in problems:
        print(f"{args.file}: {problem}")
    if problems:
        return 1
    print(
        f"验证通过：{record['program']} / {record['session']}，{len(record['entries'])} 组报名，"
        f"中签 {len(record['confirmed'])} 人，候补 {len(record['waitlisted'])} 人，结果可由公示数据完全复现。"
    )
    return 0


def build(args):
    catalogue = load_catalogue(args.classes)
    if report(catalogue):
        return 1
    from catalogue.site import build_site

    out = build_site(catalogue, out=args.out, published=args.published)
    print(f"网站已生成到 {out}/")
    return 0


class _StaffLogFilter(logging.Filter):
    """MkDocs warns in English that a dirty build may leave navigation stale; the preview
    rebuilds every listing itself, so the warning is noise staff cannot act on."""

    def filter(self, record):
        return "'dirty' build" not in record.getMessage()


def serve(args):
    from catalogue.preview import preview

    for name in ("mkdocs", "mkdocs.commands.build", "mkdocs.commands.serve"):
        logging.getLogger(name).addFilter(_StaffLogFilter())
    # The preview prints only a saved file's errors; start with everything check would say.
    report(load_catalogue(args.classes))
    return preview(args.classes, drafts=args.drafts, dev_addr=args.dev_addr)


_ARGPARSE_WORDS = [
    ("usage: ", "用法："),
    ("positional arguments:", "参数："),
    ("options:", "选项："),
    ("show this help message and exit", "显示这段帮助后退出"),
]
_ARGPARSE_ERRORS = [
    (r"the following arguments are required: (.*)", "缺少必填的参数：{0}"),
    (r"unrecognized arguments: (.*)", "不认识的参数：{0}"),
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)", "没有“{1}”这个命令，可用的命令：{2}"),
    (r"argument (\S+): expected one argument", "{0} 后面要写一个值"),
    (r"argument (\S+): (.*)", "参数 {0} 写得不对：{1}"),
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse speaks English; staff read its usage and errors in Chinese."""

    def format_usage(self):
        return _chinese(super().format_usage())

    def format_help(self):
        return _chinese(super().format_help())

    def error(self, message):
        for pattern, chinese in _ARGPARSE_ERRORS:
            found = re.fullmatch(pattern, message)
            if found:
                message = chinese.format(*found.groups()).replace("'", "")
                if "invalid choice" in pattern:
                    guess = difflib.get_close_matches(found[2], re.findall(r"'([^']*)'", found[3]), n=1)
                    message += f"。是不是想写 {guess[0]}？" if guess else ""
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{message}\n")


def _chinese(text):
    for english, chinese in _ARGPARSE_WORDS:
        text = text.replace(english, chinese)
    return text


def parser():
    root = ChineseArgumentParser(prog="build.py", description="工会托管班目录：检查、生成和预览")
    commands = root.add_subparsers(dest="command", required=True, metavar="命令")

    def command(name, handler, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--classes", default=DEFAULT_CLASSES, help="班级文件目录（默认 classes/）")
        sub.set_defaults(handler=handler)
        return sub

    command("check", check, "检查所有班级文件，列出全部问题")
    command("schema", schema, "根据模型重新生成 JSON Schema")
    sub = command("new", new, "新建一个班级文件模板")
    sub.add_argument("program_id", help="班级编号，如 wangjing-2027-summer")
    sub.add_argument("--district", required=True, help="所在目录，如 beijing-chaoyang")
    sub = command("build", build, "检查通过后生成目录网站")
    sub.add_argument("--out", default="site", help="网站输出目录（默认 site/）")
    sub.add_argument("--published", default="published", help="报名系统写出的公示数据目录，摇号结果显示在班级页上（默认 published/）")
    sub = command("serve", serve, "本地预览网站，修改班级文件后自动刷新")
    sub.add_argument("--drafts", action="store_true", help="同时显示草稿（status: draft）")
    sub.add_argument("--dev-addr", default="127.0.0.1:8000", help="预览地址（默认 127.0.0.1:8000）")
    sub = commands.add_parser("verify-lottery", help="用公示数据重新计算摇号结果并核对", description="用公示数据重新计算摇号结果并核对")
    sub.add_argument("file", help="公示的摇号 JSON 文件")
    sub.set_defaults(handler=verify_lottery)
    return root


def main(argv=None):
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
