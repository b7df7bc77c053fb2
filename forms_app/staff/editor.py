"""Edit and publish a program file from the browser, so staff never need a shell.

The text view runs exactly the checks `build.py check` runs (programs.loader)
and shows each message beside its line; a program can only be published when
it passes, names the staff member's own organizer, and the file on disk is
still the one the editor loaded (a hash of its bytes travels with the form),
so the second of two people editing one file is told, not silently lost.

The form view (program_form.py) is another way to type into the same text: its
boxes are written back into their lines before the very same check and publish.

Publishing writes the file atomically (temp file + os.replace) under a lock,
records who changed what (an audit event with the diff, and a git commit with
the staff member as author when classes/ is in a git work tree), reloads the
enrolment app through served.reload and, when FORMS_APP_SITE_OUT names an
output folder, rebuilds the catalogue site with `build.py build` in a
background process so the request does not wait for MkDocs.
"""

import difflib
import fcntl
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import yaml
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from programs.loader import Issue, program_files, read_program
from programs.model import PLACEHOLDER, SHANGHAI, SLUG
from programs.schema import SCHEMA_FILE
from programs.template import program_template

from .. import served
from ..db import get_db
from . import access, organizers, program_form
from .auth import actor

bp = Blueprint("staff_editor", __name__, url_prefix="/staff/programs", template_folder="templates")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NEW = "new"
VIEWS = ("form", "yaml")  # actions that check the text and show it in the other view
LOCK_FILE = "program-editor.lock"  # in the instance folder, which every worker shares, not in classes/


class NewForm(FlaskForm):
    program_id = StringField("班级编号", render_kw={"autocapitalize": "off", "spellcheck": "false"})
    folder = SelectField("放在哪个目录")


class EditForm(FlaskForm):
    text = TextAreaField("班级文件", render_kw={"spellcheck": "false", "autocapitalize": "off", "rows": 24})
    base = HiddenField()
    folder = HiddenField()


def _classes():
    return Path(current_app.config["CLASSES_DIR"])


def _folders():
    """Where a new file may go: the district folders that exist, or the top of classes/ when there are none."""
    found = sorted(p.name for p in _classes().iterdir() if p.is_dir() and re.match(SLUG, p.name))
    return found or [""]


def _find(program_id):
    return next((p for p in program_files(_classes()) if p.stem == program_id and p.suffix == ".yaml"), None)


def _digest(content):
    return NEW if content is None else hashlib.sha256(content).hexdigest()


def _organizer_on_disk(path):
    """Whose file this is, even when it does not pass check today (then read from the raw YAML)."""
    program, _problems, _notices = read_program(path, _classes())
    if program is not None:
        return program.organizer_id
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    value = data.get("organizer") if isinstance(data, dict) else None
    return organizers.registry().resolve(value)


def _may_edit(organizer):
    return access.may_act_for(g.staff, organizer)


def _editable(path):
    return _may_edit(_organizer_on_disk(path))


def _line_of_key(text, key):
    for number, line in enumerate(text.split("\n"), 1):
        if re.match(rf"\s*{key}\s*[:：]", line):
            return number
    return 1


def check(path, text, creating):
    """(program or None, [problem Issue], [notice Issue]) for `text` saved at `path`: check's own rules plus the console's."""
    program, problems, notices = read_program(path, _classes(), text.encode("utf-8"))
    name = str(path)
    if creating and _find(path.stem) is not None:
        problems = problems + [Issue(name, 1, f"班级编号“{path.stem}”已存在，请换一个文件名。")]
    if program is not None and not _may_edit(program.organizer_id):
        problems = problems + [Issue(name, _line_of_key(text, "organizer"), _not_yours())]
        program = None
    if problems:
        program = None
    return program, sorted(problems), notices


def _not_yours():
    if g.staff.admin:
        return f"organizer（主办工会）必须是{g.staff.district}的主办工会（见 classes/organizers.yaml）：不能以别的区县工会的名义发布班级"
    mine = organizers.of(g.staff)
    said = f"“{organizers.name(mine)}”" + ("" if organizers.name(mine) == mine else f"（{mine}）")
    return f"organizer（主办工会）必须是你所属的{said}：不能以别的工会名义发布班级"


def _by_line(text, issues):
    """The text as numbered lines, each with the messages that point at it."""
    lines = text.split("\n")
    shown = {}
    for issue in issues:
        shown.setdefault(min(max(issue.line, 1), len(lines)), []).append(issue)
    return [(number, line, shown.get(number, [])) for number, line in enumerate(lines, 1)]


def preview(program):
    """The program page as the catalogue renders it (catalogue.pages through Markdown), drafts included.

    The site's theme and stylesheet are not applied; a page the catalogue cannot render is said so
    rather than answered with a 500."""
    try:
        return _rendered(program)
    except Exception:  # noqa: BLE001 - a preview must never break the editor
        current_app.logger.exception("preview of %s failed", program.id)
        return Markup("<p>这个班的网页预览生成失败，但文件已通过检查；发布后请在目录网站上看一眼。</p>")


def _rendered(program):
    import markdown

    from catalogue.pages import Pages, Settings

    pages = Pages(Settings(site_url="/", enrol_base="", today=datetime.now(SHANGHAI).date(), drafts=True))
    page = pages.page_files(program)[f"classes/{program.id}/index.md"]
    if page.startswith("---"):
        page = page.split("---", 2)[2]
    return Markup(markdown.markdown(page, extensions=["attr_list", "tables"]))


@bp.route("/")
def index():
    mine = []
    for path in program_files(_classes()):
        if path.suffix == ".yaml" and _editable(path):
            mine.append((path.stem, path.relative_to(_classes())))
    form = NewForm()
    form.folder.choices = [(f, f or "classes/") for f in _folders()]
    return render_template("staff/programs.html", files=mine, form=form)


@bp.post("/new")
def new():
    form = NewForm()
    form.folder.choices = [(f, f or "classes/") for f in _folders()]
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        form.folder.errors = ["请从列表中选一个目录。"]
        return render_template("staff/programs.html", files=[], form=form), 400
    program_id = (form.program_id.data or "").strip()
    problem = None
    if not re.match(SLUG, program_id):
        problem = f"班级编号“{program_id}”无效：只能用小写字母、数字和连字符，如 wangjing-2027-summer"
    elif _find(program_id) is not None:
        problem = f"班级编号“{program_id}”已存在，请换一个。"
    if problem:
        form.program_id.errors = [problem]
        return render_template("staff/programs.html", files=[], form=form), 400
    schema = f"../{SCHEMA_FILE}" if form.folder.data else SCHEMA_FILE
    text = program_template(program_id, schema)
    if not g.staff.admin:
        mine = organizers.of(g.staff)
        said = f"organizer: {mine}" + ("" if organizers.name(mine) == mine else f"   # {organizers.name(mine)}")
        text = text.replace(f"organizer: {PLACEHOLDER}   ", said, 1)
    edit = EditForm(formdata=None, text=text, base=NEW, folder=form.folder.data)
    path = _classes() / form.folder.data / f"{program_id}.yaml"
    return _page(program_id, path, edit, text, None, [], [], None)


@bp.get("/<program_id>/edit")
def edit(program_id):
    return _opened(program_id, "yaml")


@bp.get("/<program_id>/form")
def form_view(program_id):
    return _opened(program_id, "form")


def _opened(program_id, view):
    path = _find(program_id)
    if path is None or not _editable(path):
        abort(404)
    content = path.read_bytes()
    text = content.decode("utf-8-sig", errors="replace")
    form = EditForm(formdata=None, text=text, base=_digest(content), folder="")
    _program, problems, notices = check(path, text, creating=False)
    return _page(program_id, path, form, text, None, problems, notices, None, view)


@bp.post("/<program_id>/edit")
def save(program_id):
    form = EditForm()
    if not form.validate_on_submit():
        abort(400)
    if not re.match(SLUG, program_id):
        abort(404)
    creating = form.base.data == NEW
    if creating:
        if form.folder.data not in _folders():
            abort(404)
        path = _classes() / form.folder.data / f"{program_id}.yaml"
    else:
        path = _find(program_id)
        if path is None or not _editable(path):
            abort(404)
    text = (form.text.data or "").replace("\r\n", "\n").replace("\r", "\n")
    if request.form.get("view") == "form":
        text = form.text.data = program_form.apply(text, request.form)
    action = request.form.get("action", "check")
    view = action if action in VIEWS else "form" if request.form.get("view") == "form" else "yaml"
    program, problems, notices = check(path, text, creating)
    shown = None
    if action == "preview" and program is not None:
        shown = preview(program)
    if action == "publish" and program is not None:
        refused = _publish(path, text, form.base.data, program)
        if refused is None:
            return redirect(url_for("staff_editor.form_view" if view == "form" else "staff_editor.edit", program_id=program_id), 303)
        flash(refused)
        status = 409
    else:
        status = 200 if program is not None else 422
    if action == "publish" and program is None:
        flash("还有问题没有改好，没有发布：请按下面每一行旁边的说明修改。")
    return _page(program_id, path, form, text, shown, problems, notices, action, view), status


def _page(program_id, path, form, text, shown, problems, notices, action, view="yaml"):
    """The text view, or the form view (program_form) of the same text with each message beside its box."""
    boxes = program_form.fields(text) if view == "form" else None
    beside, elsewhere = program_form.placed(boxes, problems + notices)
    return render_template(
        "staff/program_form.html" if boxes is not None else "staff/editor.html",
        unreadable=view == "form" and boxes is None,
        boxes=boxes,
        beside=beside,
        elsewhere=elsewhere,
        focus=request.form.get("focus", ""),
        program_id=program_id,
        relative=path.relative_to(_classes()),
        form=form,
        lines=_by_line(text, problems + notices),
        problems=problems,
        notices=notices,
        preview=shown,
        action=action,
        history=[e for e in reversed(get_db().audit(program_id, "")) if e.action == "program_published"][:20],
    )


@contextmanager
def _locked():
    """One publisher at a time across every worker, so compare-then-replace cannot interleave."""
    with open(Path(current_app.instance_path) / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _publish(path, text, base, program):
    """None once published; otherwise why not, in a sentence for staff."""
    new_bytes = text.encode("utf-8")
    with _locked():
        old = path.read_bytes() if path.exists() else None
        if _digest(old) != base:
            if base == NEW:
                return f"已经有人建立了班级编号“{path.stem}”，你的内容没有保存：请换一个编号，或复制下面的内容后打开那个文件修改。"
            return "这个文件在你打开之后已被别人修改并发布，你的修改没有保存：请复制下面的内容，重新打开文件，在最新版本上再改。"
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, new_bytes)
        relative = str(path.relative_to(_classes()))
        diff = "".join(
            difflib.unified_diff(
                (old or b"").decode("utf-8-sig", errors="replace").splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"a/{relative}",
                f"b/{relative}",
            )
        )
        commit = _git_commit(path, f"{'新建' if old is None else '修改'}班级 {program.id}（{g.staff.username} 在工作人员后台发布）")
        get_db().log(
            program.id, "", None, "program_published", actor(), {"path": relative, "created": old is None, "diff": diff, "commit": commit}
        )
    try:
        served.reload(current_app._get_current_object(), actor())
    except served.InvalidCatalogue as invalid:
        current_app.logger.error("published %s but the catalogue does not load: %s", relative, invalid)
        flash("已保存，但 classes/ 中另有文件没有通过检查，报名系统暂时仍用原来的班级信息：请联系区总工会管理员。")
        return None
    rebuilding = _rebuild_site()
    flash(f"已发布 {program.title}：报名系统已更新" + ("，目录网站正在后台重新生成（约一分钟）。" if rebuilding else "。"))
    return None


def _write_atomically(path, content):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _git_commit(path, message):
    """The commit id when classes/ is in a git work tree, with the staff member as author; else None."""
    folder = str(path.parent)

    def git(*args):
        return subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, timeout=30)

    try:
        if git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
            return None
        author = f"{g.staff.username} <{g.staff.username}@staff.invalid>"
        added = git("add", "--", path.name)
        done = git(
            "-c",
            "user.name=报名系统",
            "-c",
            "user.email=forms-app@localhost",
            "commit",
            "--quiet",
            f"--author={author}",
            "-m",
            message,
            "--only",
            "--",
            path.name,
        )
        if added.returncode or done.returncode:
            current_app.logger.error("git commit of %s failed: %s%s", path, added.stderr, done.stderr)
            return None
        return git("rev-parse", "HEAD").stdout.strip() or None
    except (OSError, subprocess.SubprocessError) as failed:
        current_app.logger.error("git commit of %s failed: %s", path, failed)
        return None


def _rebuild_site():
    """Start `build.py build` in the background when FORMS_APP_SITE_OUT is set; True when started."""
    out = current_app.config.get("SITE_OUT")
    if not out:
        return False
    _background([sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--classes", str(_classes()), "--out", str(out)])
    return True


def _background(command):
    """Started in its own session and not waited for: a slow MkDocs build never holds a request."""
    with open(Path(current_app.instance_path) / "site-build.log", "ab") as log:
        subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
