"""`build.py serve`: MkDocs' live-reload server over pages regenerated as staff save YAML.

A poll loop reloads only the YAML files whose modification time changed and
rewrites only the pages whose text changed; MkDocs then runs a dirty build,
so one edit costs one program page and the listings, not the whole site.
A file with problems prints them and keeps its last good page on screen.
"""

import os
import sys
import threading
import time
from pathlib import Path

from mkdocs.commands.serve import serve
from mkdocs.livereload import LiveReloadServer

from programs.loader import load_program, program_files

from .output import sync
from .pages import Pages
from .policy import allowing_script
from .site import CONFIG_FILE, mkdocs_config, settings_for, static_files

POLL_SECONDS = 0.3


class Regenerator:
    def __init__(self, classes, pages, docs_dir):
        self.classes, self.pages, self.docs_dir = Path(classes), pages, docs_dir
        self.stamps, self.programs, self.files = {}, {}, {}
        self.written = None

    def refresh(self):
        """Reload changed YAML and rewrite the docs folder; False when nothing changed."""
        stamps = {path: path.stat().st_mtime_ns for path in program_files(self.classes)}
        changed = [path for path, stamp in stamps.items() if self.stamps.get(path) != stamp]
        removed = set(self.stamps) - set(stamps)
        if not changed and not removed:
            return False
        for path in removed:
            self.programs.pop(path, None)
            self.files.pop(path, None)
        for path in changed:
            program, problems = load_program(path, self.classes)
            for problem in problems:
                print(problem, file=sys.stderr)
            if program is not None:
                self.programs[path] = program
                self.files[path] = self.pages.files_for(program)
        self.stamps = stamps
        files = static_files()
        for generated in self.files.values():
            files.update(generated)
        files.update(self.pages.listing_files(list(self.programs.values())))
        sync(self.docs_dir, files, self.written)
        self.written = files
        return True

    def run(self):
        while True:
            time.sleep(POLL_SECONDS)
            self.refresh()


def _inject_allowed(inject):
    """MkDocs appends its live-reload script inline to every page it serves, after the page's
    Content-Security-Policy was written; the policy learns that one script's hash."""

    def inject_js_into_html(server, content, epoch):
        page = inject(server, content, epoch)
        end = content.rfind(b"</body>")
        start = (len(content) if end < 0 else end) + len(b"<script>")
        return allowing_script(page, page[start : page.index(b"</script>", start)])

    inject_js_into_html.catalogue = True
    return inject_js_into_html


def keep_live_reload():
    if not getattr(LiveReloadServer._inject_js_into_html, "catalogue", False):
        LiveReloadServer._inject_js_into_html = _inject_allowed(LiveReloadServer._inject_js_into_html)


def preview(classes, drafts=False, dev_addr="127.0.0.1:8000"):
    """Serve until Ctrl+C. MkDocs reloads mkdocs.yml itself on every rebuild, with paths
    relative to the working directory, hence the chdir to the project."""
    classes = Path(classes).resolve()
    os.chdir(CONFIG_FILE.parent)
    config = mkdocs_config()
    pages = Pages(settings_for(config, drafts=drafts, site_url=f"http://{dev_addr}/"))
    regenerator = Regenerator(classes, pages, config.docs_dir)
    regenerator.refresh()
    threading.Thread(target=regenerator.run, daemon=True).start()
    keep_live_reload()
    print(f"预览地址：http://{dev_addr}/ （按 Ctrl+C 停止）")
    serve(config_file=str(CONFIG_FILE), livereload=True, build_type="dirty", dev_addr=dev_addr)
    return 0
