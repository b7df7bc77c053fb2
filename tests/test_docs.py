"""The docs name everything an operator can set, run or call, so they cannot drift from the code.

As in sqlite-utils and Datasette: a setting, a command or a storage method
added without a line in the docs fails here, not in a newcomer's first week.
"""

import inspect
import re
from pathlib import Path

import click

from forms_app import create_app
from forms_app.storage.rules import Storage
from tests.app.helpers import ROOT

DOCS = "\n".join(path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
SETTING = re.compile(r"""\bconfig(?:\[|\.get\()\s*["']([A-Z][A-Z0-9_]+)["']""")
# Flask's own keys that the app sets for itself rather than reading from an operator.
SET_BY_THE_APP = {"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"}


def settings_read():
    names = set()
    for path in (ROOT / "forms_app").rglob("*.py"):
        names |= set(SETTING.findall(path.read_text(encoding="utf-8")))
    defaults = inspect.getsource(create_app)
    names |= set(re.findall(r"^\s+([A-Z][A-Z0-9_]+)=", defaults, flags=re.M))
    return names - SET_BY_THE_APP


def test_every_setting_the_app_reads_is_documented_as_its_environment_variable():
    missing = sorted(name for name in settings_read() if f"FORMS_APP_{name}" not in DOCS)
    assert settings_read() and missing == []


def command_names(app):
    def walk(group, prefix):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from walk(command, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}"

    return sorted(set(walk(app.cli, "")))


def test_every_flask_command_is_documented(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "forms.sqlite3"), "PUBLISH_DIR": str(tmp_path / "published")})
    names = command_names(app)
    assert {"reload", "backup", "purge", "staff add", "lottery draw"} <= set(names)
    assert [name for name in names if f"flask --app forms_app {name}" not in DOCS and name not in ("routes", "shell", "run")] == []


def test_every_storage_method_is_named_in_the_storage_guide():
    guide = (ROOT / "docs" / "storage.md").read_text(encoding="utf-8")
    public = [name for name, _ in inspect.getmembers(Storage, inspect.isfunction) if not name.startswith("_")]
    assert "enrol" in public and [name for name in public if f"`{name}`" not in guide] == []


def test_no_example_trusts_forwarded_addresses_on_a_public_bind():
    """With PROXY_HOPS set the app believes X-Forwarded-For, so an example that also binds
    0.0.0.0 would invite anyone to pick their own address and skip the per-address limits."""
    sources = [ROOT / "README.md", ROOT / "Makefile", *sorted((ROOT / "docs").glob("*.md"))]
    for path in sources:
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            trusts = re.search(r"PROXY_HOPS\s*[=:]\s*[1-9]", block)
            assert not (trusts and "0.0.0.0" in block), f"{path.name}: {block.strip()[:200]}"


def test_every_screenshot_the_staff_guide_shows_exists_and_is_one_the_browser_tests_take():
    """The guide's pictures are saved by tests/staff/test_journey.py at phone width, so they show the console as it is."""
    guide = (ROOT / "docs" / "staff.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", guide)
    taken = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests" / "staff").glob("test_*.py"))
    assert shown and [image for image in shown if not (ROOT / "docs" / image).is_file()] == []
    assert [image for image in shown if f'"{Path(image).stem}"' not in taken] == []
