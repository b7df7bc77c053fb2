"""axe-core in real Chromium, one helper for the catalogue's pages and the app's.

axe-core comes from npm (.ci/run installs axe-core@4.14.1 into tools/node_modules);
without it the tests that use it skip and say NOT TESTED. Every page's
Content-Security-Policy forbids inline script, so axe is evaluated through the
DevTools protocol (Playwright's evaluate) rather than added as a <script> tag.
"""

import json

import pytest

from tests.app.helpers import ROOT

AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ["light", "dark"]


def axe_source():
    """axe's source, or a loud skip when npm never installed it."""
    if not AXE.is_file():
        pytest.skip(
            f"NOT TESTED FOR ACCESSIBILITY: {AXE.relative_to(ROOT)} is missing "
            "(npm install --no-save --prefix tools axe-core@4.14.1; .ci/run does this)"
        )
    return AXE.read_text(encoding="utf-8")


# Transitions and animations still under way that will end: axe measures colours as painted, and
# text inside a panel still fading in (Material's search results) reads as too faint.
SETTLING = """() => document.getAnimations().every(a => a.playState !== "running"
    || !isFinite(a.effect.getComputedTiming().endTime))"""


def violations(page, source):
    """WCAG 2.1 A/AA violations on the page once its transitions have ended, each with the first
    few elements and why."""
    page.wait_for_function(SETTLING, timeout=5000)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}})
        .then(r => r.violations.map(v => ({id: v.id, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.failureSummary)})))""",
        TAGS,
    )


def report(found):
    """What a failing assertion prints: each page's violations, readable Chinese included."""
    return json.dumps(found, ensure_ascii=False, indent=1)


def every_scheme(page, source, label, found):
    """Run axe on the loaded page in light and then dark colour scheme; add what fails to `found`."""
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        wrong = violations(page, source)
        if wrong:
            found[f"{label} ({scheme})"] = wrong
