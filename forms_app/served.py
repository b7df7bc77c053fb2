"""The programs this app serves, read from the same classes/ YAML as the catalogue.

Capacities and modes are copied into storage at start and on `flask reload`,
so the transaction that decides a place reads them under its own lock. Each
worker notices a reload by the fingerprint storage keeps and re-reads the YAML.

One broken file must not stop a district: each program that passes every
check is stored as its last good version, and a program whose file later has
problems is served as that version (or not at all if it never passed) while
every other program runs normally. The problems are logged, shown in the
staff console and reported by /healthz as `degraded`; `flask reload` lists
them and exits non-zero.
"""

import dataclasses
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from programs.loader import Catalogue, Issue, load_catalogue, load_program
from programs.model import SLUG
from programs.yamlsource import SourceProblem, read_yaml

from . import lottery
from .db import get_db
from .storage import Places

log = logging.getLogger(__name__)
NOT_STORED = "(not stored)"  # never equal to a stored stamp, so the next look stores the files


@dataclass(frozen=True)
class Problem:
    """One file that cannot be served as written, and what is served instead."""

    path: str
    program: str | None  # the program id its file name gives, when it gives one
    organizer: str | None  # whose console shows it (the admin sees every problem)
    issues: tuple  # programs.loader.Issue, each PATH:LINE: message
    last_good: bool  # True: its last good version is served; False: it is not served at all

    def as_json(self):
        return {
            "path": self.path,
            "program": self.program,
            "serving": "last_good" if self.last_good else "none",
            "problems": [str(issue) for issue in self.issues],
        }


def places(catalogue):
    return [
        Places(program.id, session.id, session.capacity, program.registration.mode, session.end, program.registration.offer_hours)
        for program in catalogue.programs
        for session in program.sessions
    ]


def read(classes_dir, last_good):
    """(Catalogue, [Problem]): every valid program, plus the last good version of each
    program whose file now has problems; `last_good` is storage's {id: (path, source)}."""
    loaded = load_catalogue(classes_dir)
    served = {program.id: program for program in loaded.programs}
    by_file = {}
    for issue in loaded.problems:
        by_file.setdefault(issue.path, []).append(issue)
    problems = []
    for path, issues in sorted(by_file.items()):
        program_id = _program_id(path)
        fallback = None
        if program_id and program_id not in served and program_id in last_good:
            fallback = _stored_version(classes_dir, program_id, *last_good[program_id])
            if fallback is not None:
                served[program_id] = fallback
        organizer = fallback.organizer if fallback else _organizer_written(path)
        problems.append(Problem(path, program_id, organizer, tuple(issues), fallback is not None))
    catalogue = dataclasses.replace(loaded, programs=sorted(served.values(), key=lambda p: p.id))
    return catalogue, problems


def _program_id(path):
    path = Path(path)
    if path.suffix not in (".yaml", ".yml") or not re.match(SLUG, path.stem):
        return None
    return path.stem


def _stored_version(classes_dir, program_id, relative, source):
    program, issues = load_program(Path(classes_dir) / relative, classes_dir, source.encode("utf-8"))
    if program is None:
        log.error("the stored last good version of %s no longer passes: %s", program_id, "; ".join(map(str, issues)))
        return None
    program._id = program_id
    return program


def _organizer_written(path):
    """A never-valid file may still name its organizer, whose console should show its problems."""
    try:
        data = read_yaml(Path(path).read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, SourceProblem):
        return None
    organizer = data.get("organizer") if isinstance(data, dict) else None
    return organizer if isinstance(organizer, str) else None


def _sources(catalogue, classes_dir):
    root = Path(classes_dir)
    for program in catalogue.programs:
        text = catalogue.sources.get(program.id)
        if text is None:  # served from its stored version: keep that one
            continue
        relative = str(Path(program._source).relative_to(root)) if Path(program._source).is_relative_to(root) else program._source
        yield program.id, relative, text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def reload(app, actor):
    """Read the YAML, store its capacities (promoting whoever now fits) and serve it.

    Returns (catalogue, [Problem], promoted enrolments)."""
    with app.app_context():
        catalogue, problems = read(app.config["CLASSES_DIR"], get_db().last_good_programs())
    _report(app, problems)
    return catalogue, problems, _store_and_serve(app, catalogue, problems, actor)


def _report(app, problems):
    for problem in problems:
        for issue in problem.issues:
            app.logger.error(
                "program file problem (%s): %s",
                "serving its last good version" if problem.last_good else "not served",
                issue,
            )


def _store_and_serve(app, catalogue, problems, actor):
    with app.app_context():
        promoted = get_db().sync_places(
            places(catalogue), catalogue.fingerprint, actor, list(_sources(catalogue, app.config["CLASSES_DIR"]))
        )
        lottery.publish()
    _serve(app, catalogue, problems)
    return promoted


def _serve(app, catalogue, problems, synced=True):
    app.extensions["catalogue"] = {
        "catalogue": catalogue,
        "problems": problems,
        "checked": time.monotonic(),
        "fingerprint": catalogue.fingerprint if synced else NOT_STORED,
    }


def _current(app):
    """This worker's catalogue entry, re-read when another process has run a reload since it last looked.

    Files that match what was stored are only served: the reloading process has
    already written their capacities. Files edited again since are stored too,
    so the capacities decided on always match the catalogue parents see."""
    loaded = app.extensions["catalogue"]
    now = time.monotonic()
    if now - loaded["checked"] < app.config["CATALOGUE_CHECK_SECONDS"]:
        return loaded
    loaded["checked"] = now
    try:
        stored = get_db().catalogue_stamp()
        if stored == loaded["fingerprint"]:
            return loaded
        catalogue, problems = read(app.config["CLASSES_DIR"], get_db().last_good_programs())
        if catalogue.fingerprint == stored:
            _serve(app, catalogue, problems)
        else:
            _report(app, problems)
            _store_and_serve(app, catalogue, problems, "system:reload")
    except Exception:  # the database or the files failed: keep serving what this worker has
        app.logger.exception("keeping the catalogue already loaded")
        get_db().release()
        return loaded
    return app.extensions["catalogue"]


def catalogue():
    """The programs served now, valid ones and last good versions of broken ones."""
    return _current(current_app._get_current_object())["catalogue"]


def problems():
    """[Problem] for the files served as their last good version or not served."""
    return _current(current_app._get_current_object())["problems"]


def init_app(app):
    """Start whatever the files and the database say: a problem in either is logged and
    reported, never a reason for a worker or an operator's command not to start."""
    try:
        reload(app, "system:start")
    except Exception:
        app.logger.exception("could not read and store the programs at start; serving what can be read and retrying")
        with app.app_context():
            get_db().release()
            try:
                catalogue, found = read(app.config["CLASSES_DIR"], {})
            except Exception:
                catalogue, found = (
                    Catalogue(),
                    [Problem(app.config["CLASSES_DIR"], None, None, (Issue(app.config["CLASSES_DIR"], 1, "无法读取班级目录"),), False)],
                )
        _serve(app, catalogue, found, synced=False)
