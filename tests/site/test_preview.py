"""`serve` regenerates only what an edit changed, shows drafts on request, survives bad YAML."""
import base64
import hashlib
import html
import re
import shutil

from mkdocs.livereload import LiveReloadServer

from catalogue.pages import Pages, Settings
from catalogue.preview import Regenerator, keep_live_reload
from catalogue.site import ROOT


def regenerator(tmp_path, drafts, today):
    classes = tmp_path / "classes"
    shutil.copytree(ROOT / "classes", classes)
    draft = classes / "beijing-chaoyang" / "sunhe-2027-winter.yaml"
    draft.write_text(draft.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    docs = tmp_path / "docs"
    return Regenerator(classes, Pages(Settings("http://127.0.0.1:8000/", "", today, drafts)), docs), classes, docs


def test_drafts_only_with_the_flag(tmp_path, today):
    hidden, _, docs = regenerator(tmp_path / "a", drafts=False, today=today)
    hidden.refresh()
    assert not (docs / "classes/sunhe-2027-winter").exists()
    shown, _, docs = regenerator(tmp_path / "b", drafts=True, today=today)
    shown.refresh()
    assert "草稿" in (docs / "classes/sunhe-2027-winter/index.md").read_text(encoding="utf-8")


def test_an_edit_rewrites_that_program_and_keeps_the_rest(tmp_path, today):
    regen, classes, docs = regenerator(tmp_path, drafts=False, today=today)
    regen.refresh()
    other = docs / "classes/jianwai-2027-winter/index.md"
    before = other.stat().st_mtime_ns
    edited = classes / "shandong-weihai/wendeng-wenqixing-2027-winter.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    assert regen.refresh()
    assert "新文登区总工会" in (docs / "classes/wendeng-wenqixing-2027-winter/index.md").read_text(encoding="utf-8")
    assert "新文登区总工会" in (docs / "index.md").read_text(encoding="utf-8")
    assert other.stat().st_mtime_ns == before
    assert not regen.refresh()


def test_a_broken_edit_keeps_the_last_good_page(tmp_path, today, capsys):
    regen, classes, docs = regenerator(tmp_path, drafts=False, today=today)
    regen.refresh()
    edited = classes / "shandong-weihai/wendeng-wenqixing-2027-winter.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("capacity: 25", "capacity: 多"), encoding="utf-8")
    regen.refresh()
    assert "wendeng-wenqixing-2027-winter.yaml:" in capsys.readouterr().err
    assert (docs / "classes/wendeng-wenqixing-2027-winter/index.md").exists()


def test_a_deleted_program_disappears(tmp_path, today):
    regen, classes, docs = regenerator(tmp_path, drafts=False, today=today)
    regen.refresh()
    (classes / "jiangxi-xinyu/xinyu-youth-night-school-2027-spring.yaml").unlink()
    regen.refresh()
    assert not (docs / "classes/xinyu-youth-night-school-2027-spring").exists()


def test_live_reload_runs_under_the_policy_and_nothing_else_inline_does(hostile_site):
    """serve's pages carry MkDocs' live-reload script inline; the policy names it alone, by hash."""
    keep_live_reload()
    keep_live_reload()
    page = (hostile_site / "classes" / "sanlitun-hostile" / "index.html").read_bytes()
    server = LiveReloadServer.__new__(LiveReloadServer)
    served = server._inject_js_into_html(page, 7).decode()
    script = re.findall(r"<script>(.*?)</script>", served, re.S)[-1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    [policy] = [html.unescape(found) for found in re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', served)]
    assert f"script-src 'self' 'sha256-{digest}';" in policy and "unsafe-inline" not in policy
    assert "livereload" in script and served.count("sha256-") == 1
