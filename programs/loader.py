"""Load every program under classes/ and collect every problem in one pass.

Staff fix files in batches, so the loader never stops at the first error: it
returns the programs that are valid and a list of `PATH:LINE: message`
problems for the rest. Both build.py and forms_app call load_catalogue().
"""
import difflib
import hashlib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .messages import CLOSE, explain, key_path
from .model import PLACEHOLDER, SLUG, Program
from .yamlsource import SourceProblem, line_of, read_yaml


@dataclass(frozen=True, order=True)
class Issue:
    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Catalogue:
    programs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
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
        sessions = sum(len(p.sessions) for p in self.programs)
        places = sum(p.places for p in self.programs)
        return f"共 {len(self.programs)} 个班，{sessions} 个班次，{places} 个名额，全部通过检查。"


def program_files(classes_dir):
    return sorted(Path(classes_dir).rglob("*.y*ml"))


def load_catalogue(classes_dir):
    catalogue, owners = Catalogue(), {}
    classes_dir = Path(classes_dir)
    if not classes_dir.is_dir():
        catalogue.problems.append(Issue(str(classes_dir), 1, "找不到班级目录"))
        return catalogue
    digest = hashlib.sha256()
    for path in program_files(classes_dir):
        try:
            content = path.read_bytes()
        except OSError as unreadable:
            catalogue.problems.append(Issue(str(path), 1, f"无法读取这个文件：{unreadable.strerror or unreadable}"))
            continue
        digest.update(f"{path.relative_to(classes_dir)}\0{len(content)}\0".encode())
        digest.update(content)
        program, problems = load_program(path, classes_dir, content)
        catalogue.problems.extend(problems)
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
    catalogue.fingerprint = digest.hexdigest()
    return catalogue


def load_program(path, classes_dir=None, content=None):
    """Return (Program or None, [Issue]); `content` is the file's bytes when the caller has read them."""
    path = Path(path)
    name = str(path)
    if path.suffix != ".yaml":
        return None, [Issue(name, 1, "扩展名应为 .yaml（不是 .yml），否则不会被收录")]
    program_id, problems = path.stem, []
    if not re.match(SLUG, program_id):
        problems.append(Issue(name, 1, f"文件名“{program_id}”不能作班级编号：只能用小写字母、数字和连字符，如 wangjing-2027-winter"))
    try:
        text = (path.read_bytes() if content is None else content).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, problems + [Issue(name, 1, "文件不是 UTF-8 编码：请用 UTF-8 保存")]
    try:
        data, lines = read_yaml(text)
    except SourceProblem as bad:
        return None, problems + [Issue(name, line, message) for line, message in bad.problems]
    problems += _placeholders(data, lines, name)
    problems += _missing_images(data.get("images"), path, classes_dir, lines, name)
    try:
        program = Program.model_validate(data)
    except ValidationError as invalid:
        for error in _without_misspelt_missing(invalid.errors()):
            loc, message = explain(error, allowed_keys(error["loc"]))
            problems.append(Issue(name, line_of(lines, loc), message))
    if problems:
        return None, sorted(set(problems))
    program._id, program._source = program_id, name
    return program, []


def _missing_images(images, path, classes_dir, lines, name):
    root = Path(classes_dir or path.parent).resolve()
    problems = []
    for index, image in enumerate(images if isinstance(images, list) else []):
        if not isinstance(image, str):
            continue
        target = (path.parent / image).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            problems.append(Issue(name, line_of(lines, ("images", index)), f"images[{index}]（图片）文件不存在：{image}（路径相对本文件所在目录）"))
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
            for hint in difflib.get_close_matches(loc[-1], allowed_keys(loc), n=1, cutoff=CLOSE):
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
