"""Build and preview the catalogue: programs in, MkDocs site out.

build.py stays a thin CLI; this module owns the order of things: render the
pages into the generated docs folder, then hand that folder to MkDocs.
"""

import logging
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import jieba
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from programs.published import read_all as read_published

from .output import move_into, sync
from .pages import Pages, Settings
from .views import today_in_china

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "mkdocs.yml"
STATIC = ROOT / "site_src" / "static"
GENERATED = ROOT / "site_src" / "generated"


def mkdocs_config(config_file=CONFIG_FILE, docs_dir=None, **overrides):
    """MkDocs refuses a docs_dir that does not exist yet, and a fresh clone has none."""
    _quiet_logs()
    Path(docs_dir or GENERATED).mkdir(parents=True, exist_ok=True)
    overrides["docs_dir"] = docs_dir
    config = load_config(config_file=str(config_file), **{k: str(v) for k, v in overrides.items() if v is not None})
    _anchor_search_dictionary(config)
    return config


def _anchor_search_dictionary(config):
    """Material opens jieba_dict_user relative to the working directory; anchor it to mkdocs.yml instead."""
    search = config.plugins["material/search"].config
    if search.jieba_dict_user:
        search.jieba_dict_user = str(Path(config.config_file_path).parent / search.jieba_dict_user)


def settings_for(config, today=None, drafts=False, site_url=None):
    site_url = site_url or config.site_url or "http://localhost:8000/"
    return Settings(
        site_url=site_url if site_url.endswith("/") else site_url + "/",
        enrol_base=config.extra.get("enrol_base") or "",
        today=today or today_in_china(),
        drafts=drafts,
    )


def static_files():
    return {str(path.relative_to(STATIC)): path.read_bytes() for path in STATIC.rglob("*") if path.is_file()}


def page_files(pages, programs):
    """The docs folder a build hands to MkDocs: static files, Markdown pages and listings."""
    files = static_files()
    for program in pages.shown(programs):
        files.update(pages.page_files(program))
    files.update(pages.listing_files(programs))
    return files


def build_site(catalogue, out=None, docs_dir=None, config_file=CONFIG_FILE, today=None, published=None):
    """Render every page of a validated catalogue into docs_dir, then run a clean MkDocs build into out.

    Program assets (QR codes, .ics, posters, images, lottery downloads) are files MkDocs would
    only copy, so a second process writes them while MkDocs builds the pages, and they are moved
    into the site after it. `published` is the enrolment app's publish folder; its lottery
    records appear on program pages."""
    config = mkdocs_config(config_file, site_dir=out, docs_dir=docs_dir)
    lotteries = read_published(published) if published else {}
    settings = settings_for(config, today)
    pages = Pages(settings, lotteries)
    site = Path(config.site_dir)
    site.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{site.name}-assets-", dir=site.parent) as work:
        job, staging = Path(work, "job.pickle"), Path(work, "assets")
        job.write_bytes(pickle.dumps((settings, lotteries, pages.shown(catalogue.programs))))
        worker = subprocess.Popen([sys.executable, "-m", "catalogue.assets", str(job), str(staging)], cwd=ROOT)
        try:
            sync(config.docs_dir, page_files(pages, catalogue.programs))
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
        finally:
            if worker.wait() != 0:
                raise RuntimeError(f"writing the program assets failed (exit status {worker.returncode})")
        move_into(staging, site)
    return site


def _quiet_logs():
    """MkDocs' own INFO chatter hides the lines staff need; warnings still show."""
    jieba.setLogLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "catalogue", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.catalogue = True
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
