"""The programs this app serves, read from the same classes/ YAML as the catalogue.

Capacities and modes are copied into storage at start and on `flask reload`,
so the transaction that decides a place reads them under its own lock. Each
worker notices a reload by the fingerprint storage keeps and re-reads the YAML.
"""
import time

from flask import current_app

from programs.loader import load_catalogue

from . import lottery
from .db import get_db
from .storage import Places


class InvalidCatalogue(RuntimeError):
    def __init__(self, classes_dir, problems):
        lines = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{classes_dir} 中的班级文件有 {len(problems)} 个问题，报名系统不能启动：\n{lines}")
        self.problems = problems


def read(classes_dir):
    """The Catalogue, or InvalidCatalogue listing every problem as PATH:LINE: message."""
    catalogue = load_catalogue(classes_dir)
    if not catalogue.ok:
        raise InvalidCatalogue(classes_dir, catalogue.problems)
    return catalogue


def places(catalogue):
    return [
        Places(program.id, session.id, session.capacity, program.registration.mode, session.end)
        for program in catalogue.programs
        for session in program.sessions
    ]


def reload(app, actor):
    """Read the YAML, store its capacities (promoting whoever now fits) and serve it.

    Returns (catalogue, promoted enrolments)."""
    catalogue = read(app.config["CLASSES_DIR"])
    return catalogue, _store_and_serve(app, catalogue, actor)


def _store_and_serve(app, catalogue, actor):
    with app.app_context():
        promoted = get_db().sync_places(places(catalogue), catalogue.fingerprint, actor)
        lottery.publish()
    _serve(app, catalogue)
    return promoted


def _serve(app, catalogue):
    app.extensions["catalogue"] = {"catalogue": catalogue, "checked": time.monotonic()}


def catalogue():
    """The catalogue, re-read when another process has run a reload since this worker last looked.

    Files that match what was stored are only served: the reloading process has
    already written their capacities. Files edited again since are stored too,
    so the capacities decided on always match the catalogue parents see."""
    app = current_app._get_current_object()
    loaded = app.extensions["catalogue"]
    now = time.monotonic()
    if now - loaded["checked"] < app.config["CATALOGUE_CHECK_SECONDS"]:
        return loaded["catalogue"]
    loaded["checked"] = now
    stored = get_db().catalogue_stamp()
    if stored == loaded["catalogue"].fingerprint:
        return loaded["catalogue"]
    try:
        catalogue = read(app.config["CLASSES_DIR"])
    except InvalidCatalogue as invalid:
        app.logger.error("keeping the catalogue already loaded: %s", invalid)
        return loaded["catalogue"]
    if catalogue.fingerprint == stored:
        _serve(app, catalogue)
    else:
        _store_and_serve(app, catalogue, "system:reload")
    return catalogue


def init_app(app):
    reload(app, "system:start")
