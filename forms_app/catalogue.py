"""The programs this app serves, read from the same classes/ YAML as the catalogue.

Capacities and modes are copied into storage at start and on `flask reload`,
so the transaction that decides a place reads them under its own lock. Each
worker notices a reload by the stamp storage keeps and re-reads the YAML.
"""
import hashlib
import time

from flask import current_app

from programs.loader import load_catalogue, program_files

from . import lottery
from .db import get_db
from .storage import Places


class InvalidCatalogue(RuntimeError):
    def __init__(self, classes_dir, problems):
        lines = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{classes_dir} 中的班级文件有 {len(problems)} 个问题，报名系统不能启动：\n{lines}")
        self.problems = problems


def stamp(classes_dir):
    digest = hashlib.sha256()
    for path in program_files(classes_dir):
        digest.update(str(path.relative_to(classes_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read(classes_dir):
    """(Catalogue, stamp), or InvalidCatalogue listing every problem as PATH:LINE: message."""
    fingerprint = stamp(classes_dir)
    catalogue = load_catalogue(classes_dir)
    if not catalogue.ok:
        raise InvalidCatalogue(classes_dir, catalogue.problems)
    return catalogue, fingerprint


def places(catalogue):
    return [
        Places(program.id, session.id, session.capacity, program.registration.mode, session.end)
        for program in catalogue.programs
        for session in program.sessions
    ]


def reload(app, actor):
    """Read the YAML, store its capacities (promoting whoever now fits) and serve it.

    Returns (catalogue, promoted enrolments)."""
    catalogue, fingerprint = read(app.config["CLASSES_DIR"])
    with app.app_context():
        promoted = get_db().sync_places(places(catalogue), fingerprint, actor)
        lottery.publish()
    app.extensions["catalogue"] = {"catalogue": catalogue, "stamp": fingerprint, "checked": time.monotonic()}
    return catalogue, promoted


def current():
    """The catalogue, re-read when another process has run a reload since this worker last looked."""
    loaded = current_app.extensions["catalogue"]
    now = time.monotonic()
    if now - loaded["checked"] >= current_app.config["CATALOGUE_CHECK_SECONDS"]:
        loaded["checked"] = now
        if get_db().catalogue_stamp() != loaded["stamp"]:
            try:
                reload(current_app._get_current_object(), "system:reload")
            except InvalidCatalogue as invalid:
                current_app.logger.error("keeping the catalogue already loaded: %s", invalid)
            loaded = current_app.extensions["catalogue"]
    return loaded["catalogue"]


def init_app(app):
    reload(app, "system:start")
