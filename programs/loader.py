"""Load every program under classes/ and collect every problem in one pass.

Staff fix files in batches, so the loader never stops at the first error: it
returns the programs that are valid and a list of `PATH:LINE: message`
problems for the rest, plus notices: notes of what a typed value was read
as, and warnings about things that pass but are probably not what staff
want. Both build.py and forms_app call load_catalogue().
"""

import difflib
import hashlib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import markup
from . import organizers as registries
from .advice import advise
from .messages import CLOSE, explain, key_path
from .model import PLACEHOLDER, SLUG, Program
from .normalise import half_width, normalise
from .schema import SCHEMA_FILE
from .yamlsource import SourceProblem, line_of, read_yaml

CHECK_COMMAND = "make check"
_PREFIX = {"error": "", "warning": "注意：", "note": "提示："}


@dataclass(frozen=True, order=True)
class Issue:
    path: str
    line: int
    message: str
    level: str = "error"  # error (refused), warning (passes, probably a mistake) or note (what was read)

    def __str__(self):
        return f"{self.path}:{self.line}: {_PREFIX[self.level]}{self.message}"


@dataclass
class Catalogue:
    programs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    # classes/organizers.yaml: {id: Organizer}, empty (and not present) when there is none.
    organizers: registries.Registry = field(default_factory=registries.Registry)
    # SHA-256 of every file's name and bytes exactly as parsed: the enrolment app
    # stores it so each worker can tell when the files it serves were reloaded.
    fingerprint: str = ""
    # Each valid program's file text, so the enrolment app can keep it as the
    # program's last good version and serve it while a later edit is broken.
    sources: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems

    def get(self, program_id):
        return next((p for p in self.programs if p.id == program_id), None)

    def find(self, program_id, session_id):
        """(program, session) or (None, None): the enrolment app's lookup."""
        program = self.get(program_id)
        session = program.session(session_id) if program else None
        return (program, session) if session else (None, None)

    def published(self):
        return [p for p in self.programs if p.status == "published"]

    def summary(self):
        if not self.programs:
            return "没有找到任何班级文件：classes/ 下的班级文件要以 .yaml 结尾，网站上现在一个班也没有。"
        sessions = sum(len(p.sessions) for p in self.programs)
        places = sum(p.places for p in self.programs)
        text = f"共 {len(self.programs)} 个班，{sessions} 个班次，{places} 个名额，全部通过检查。"
        if self.notices:
            text += f"上面有 {len(self.notices)} 条提示，请看一眼是不是都按你的意思读取。"
        return text


def program_files(classes_dir):
    """Every program file: each YAML under classes/ except the organizers list at its top."""
    registry = Path(classes_dir) / registries.FILE
    return sorted(path for path in Path(classes_dir).rglob("*.y*ml") if path != registry)


_IMAGES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}


def unread_files(classes_dir, read):
    """Files in classes/ that check will not read: a program saved as .yaml.txt must not vanish silently."""
    for path in sorted(Path(classes_dir).rglob("*")):
        relative = path.relative_to(classes_dir)
        if not path.is_file() or path in read or any(part.startswith(".") for part in relative.parts):
            continue
        if relative in (Path(SCHEMA_FILE), Path(registries.FILE)) or path.suffix.lower() in _IMAGES:
            continue
        stem = re.split(r"\.ya?ml", path.name, maxsplit=1, flags=re.IGNORECASE)[0]
        if re.search(r"\.ya?ml", path.name, re.IGNORECASE):
            yield Issue(str(path), 1, f"这个文件不会被读取：班级文件名要以 .yaml 结尾，请改名为 {stem}.yaml")
        else:
            yield Issue(str(path), 1, "这个文件不会被读取：只有以 .yaml 结尾的文件才是班级文件（图片可以放在这里）", "warning")


def load_catalogue(classes_dir):
    catalogue, owners = Catalogue(), {}
    classes_dir = Path(classes_dir)
    if not classes_dir.is_dir():
        catalogue.problems.append(Issue(str(classes_dir), 1, "找不到班级目录"))
        return catalogue
    digest = hashlib.sha256()
    registry, registry_problems = registries.load(classes_dir)
    catalogue.organizers = registry
    catalogue.problems += [Issue(str(classes_dir / registries.FILE), line, message) for line, message in registry_problems]
    if registry.present:
        digest.update((classes_dir / registries.FILE).read_bytes())
    files = program_files(classes_dir)
    for issue in unread_files(classes_dir, set(files)):
        (catalogue.notices if issue.level == "warning" else catalogue.problems).append(issue)
    for path in files:
        try:
            content = path.read_bytes()
        except OSError as unreadable:
            catalogue.problems.append(Issue(str(path), 1, f"无法读取这个文件：{unreadable.strerror or unreadable}"))
            continue
        digest.update(f"{path.relative_to(classes_dir)}\0{len(content)}\0".encode())
        digest.update(content)
        program, problems, notices = read_program(path, classes_dir, content, registry)
        catalogue.problems.extend(problems)
        catalogue.notices.extend(notices)
        if program is None:
            continue
        if program.id in owners:
            catalogue.problems.append(
                Issue(str(path), 1, f"班级编号“{program.id}”与 {owners[program.id]} 重复：文件名在整个 classes/ 中必须唯一")
            )
            continue
        owners[program.id] = str(path)
        catalogue.programs.append(program)
        catalogue.sources[program.id] = content.decode("utf-8-sig")
    catalogue.programs.sort(key=lambda p: p.id)
    catalogue.problems.sort()
    catalogue.notices.sort()
    catalogue.fingerprint = digest.hexdigest()
    return catalogue


def load_program(path, classes_dir=None, content=None):
    """Return (Program or None, [Issue]); `content` is the file's bytes when the caller has read them."""
    program, problems, _notices = read_program(path, classes_dir, content)
    return program, problems


def read_program(path, classes_dir=None, content=None, registry=None):
    """Return (Program or None, [error Issue], [note and warning Issue]).

    `registry` is classes/organizers.yaml as registries.load reads it; read from classes_dir when not given."""
    path = Path(path)
    name = str(path)
    if path.suffix != ".yaml":
        return None, [Issue(name, 1, f"扩展名应为 .yaml（不是 {path.suffix or '空'}），否则不会被收录")], []
    program_id, problems = path.stem, []
    if not re.match(SLUG, program_id):
        problems.append(Issue(name, 1, f"文件名“{program_id}”不能作班级编号：只能用小写字母、数字和连字符，如 wangjing-2027-winter"))
    try:
        text = (path.read_bytes() if content is None else content).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, problems + [Issue(name, 1, "文件不是 UTF-8 编码：请用 UTF-8 保存")], []
    try:
        source = read_yaml(text)
    except SourceProblem as bad:
        return None, problems + [Issue(name, line, message) for line, message in bad.problems], []
    lines = source.lines
    problems += [Issue(name, line, message) for line, message in source.problems]
    notices = [Issue(name, line, message, "note") for line, message in source.notes]
    notices += [Issue(name, line, message, "warning") for line, message in source.warnings]
    read = normalise(source.data)
    data = read.data
    notices += [Issue(name, line_of(lines, where), message, "note") for where, message in read.notes]
    problems += [Issue(name, line_of(lines, where), message) for where, message in read.problems]
    refused = [tuple(where) for where, _ in read.problems]
    if registry is None:
        registry, _ = registries.load(classes_dir)
    organizer_id, said, level = registries.check_value(data.get("organizer"), registry)
    if said:
        (problems if level == "error" else notices).append(Issue(name, line_of(lines, ("organizer",)), said, level))
    if organizer_id and registry.present:
        data = {**data, "organizer": registry[organizer_id].name}
    problems += _placeholders(data, lines, name)
    problems += _missing_images(data.get("images"), path, classes_dir, lines, name)
    problems += [Issue(name, line_of(lines, at), message) for at, message in markup.problems(data, path.parent)]
    try:
        program = Program.model_validate(data)
    except ValidationError as invalid:
        for error in _without_misspelt_missing(invalid.errors()):
            if any(tuple(error["loc"])[: len(where)] == where for where in refused):
                continue
            loc, message = explain(error, allowed_keys(error["loc"]))
            problems.append(Issue(name, line_of(lines, loc), message))
    if problems:
        return None, sorted(set(problems)), sorted(set(notices))
    program._id, program._source = program_id, name
    program._organizer_id = organizer_id or program.organizer
    notices += [Issue(name, line_of(lines, where), message, "warning") for where, message in advise(program)]
    return program, [], sorted(set(notices))


def _missing_images(images, path, classes_dir, lines, name):
    root = Path(classes_dir or path.parent).resolve()
    problems = []
    for index, image in enumerate(images if isinstance(images, list) else []):
        if not isinstance(image, str):
            continue
        target = (path.parent / image).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            problems.append(
                Issue(name, line_of(lines, ("images", index)), f"images[{index}]（图片）文件不存在：{image}（路径相对本文件所在目录）")
            )
    return problems


def _placeholders(data, lines, name, path=()):
    """Template values marked PLACEHOLDER must be replaced before a program can pass."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        if isinstance(data, str) and PLACEHOLDER in data:
            return [Issue(name, line_of(lines, path), f"{key_path(path)} 还没有填写：请把“{PLACEHOLDER}”换成实际内容")]
        return []
    return [issue for key, value in items for issue in _placeholders(value, lines, name, path + (key,))]


def _without_misspelt_missing(errors):
    """A typo (capacty) already says what is missing (capacity): report it once."""
    guessed = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            narrow = half_width(str(loc[-1]))
            hints = [narrow] if narrow in allowed_keys(loc) else difflib.get_close_matches(loc[-1], allowed_keys(loc), n=1, cutoff=CLOSE)
            for hint in hints:
                guessed.add(loc[:-1] + (hint,))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in guessed)]


def allowed_keys(loc):
    """The keys valid at the mapping that holds loc[-1], for "did you mean"."""
    model = Program
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        model = _inner_model(annotation)
        if model is None:
            return ()
    return tuple(model.model_fields)


def _inner_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _inner_model(argument)
        if found:
            return found
    return None
