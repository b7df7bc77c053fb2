"""`build.py build --published DIR` shows the app's lottery records on program pages and
offers each for download; the downloaded file verifies with `build.py verify-lottery`."""
import json
import subprocess
import sys

import pytest

from catalogue.site import ROOT, build_site
from programs import lottery

PROGRAM, SESSION = "sanlitun-2027-winter", "winter"
ENTRIES = [["A1B2C3D4"], ["E5F6G7H8", "J9K2L3M4"], ["N5P6Q7R8"], ["S9T2U3V4"]]


def write(folder, program, session, record):
    target = folder / "lottery" / program / f"{session}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def drawn():
    seed = lottery.new_seed()
    return {**lottery.publication(PROGRAM, SESSION, 2, seed, ENTRIES), "committed_at": "2027-01-01T09:00:00+08:00"}


@pytest.fixture(scope="module")
def published_site(catalogue, today, tmp_path_factory, drawn):
    work = tmp_path_factory.mktemp("published-site")
    published = work / "published"
    write(published, PROGRAM, SESSION, drawn)
    write(published, "no-such-program", "week-1", {"program": "no-such-program", "session": "week-1", "commitment": "00"})
    return build_site(catalogue, out=work / "site", docs_dir=work / "docs", today=today, published=published)


def test_the_program_page_shows_seed_result_and_a_download(published_site, drawn):
    html = (published_site / "classes" / PROGRAM / "index.html").read_text(encoding="utf-8")
    assert "摇号公示" in html and drawn["commitment"] in html and drawn["seed"] in html
    assert "、".join(drawn["confirmed"]) in html
    assert f'href="lottery-{PROGRAM}-winter.json"' in html


def test_the_download_verifies_from_the_published_data_alone(published_site):
    copied = published_site / "classes" / PROGRAM / f"lottery-{PROGRAM}-winter.json"
    checked = subprocess.run([sys.executable, "build.py", "verify-lottery", str(copied)], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_records_for_unknown_programs_are_not_copied(published_site):
    assert not (published_site / "classes" / "no-such-program").exists()


def test_before_the_draw_only_the_commitment_shows(catalogue, today, tmp_path):
    from catalogue.pages import Pages
    from catalogue.site import mkdocs_config, settings_for

    record = {"algorithm": lottery.ALGORITHM, "program": PROGRAM, "session": SESSION, "commitment": "ab" * 32}
    pages = Pages(settings_for(mkdocs_config(docs_dir=tmp_path), today), {PROGRAM: {SESSION: record}})
    page = pages.files_for(catalogue.get(PROGRAM))[f"classes/{PROGRAM}/index.md"]
    assert "ab" * 32 in page and "报名截止后公开摇号" in page and "- 种子：" not in page


def test_a_site_built_without_records_has_no_lottery_section(site):
    assert "摇号公示" not in (site / "classes" / PROGRAM / "index.html").read_text(encoding="utf-8")
