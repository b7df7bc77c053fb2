"""robots.txt keeps search engines to the catalogue and the forms: a result page's link is a
parent's key, and the console and the API are not pages for strangers."""


def test_robots_txt_keeps_crawlers_off_personal_and_staff_pages(site):
    rules = [line.split(":", 1) for line in (site / "robots.txt").read_text(encoding="utf-8").splitlines() if ":" in line]
    disallowed = {value.strip() for key, value in rules if key.strip().lower() == "disallow"}
    assert {"/r/", "/s/", "/staff/", "/api/"} <= disallowed
    assert not any(path in ("/", "/classes/", "/enrol/") or path == "" for path in disallowed)
    assert ("User-agent", " *") in [tuple(rule) for rule in rules]
