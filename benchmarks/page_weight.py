"""What a parent's phone downloads: requests and bytes for the home page, a program page and the form.

    .venv/bin/python build.py build && .venv/bin/python benchmarks/page_weight.py [--programs 300] [--index-sizes 300,3000] [--lighthouse [--runs 3] [--why]]

Runs what `make run` runs (gunicorn on forms_app.devserver, compression on, a throwaway
database) and loads each page in Debian Chromium at 360 px with an empty cache, counting every
request and its bytes as sent (compressed) and as decoded (raw). It weighs the home page again
on a catalogue of --programs synthetic programs (benchmarks/build_speed.py), the size the
target (100 KB sent on first load) is set at. With --index-sizes it also prints the search
index's weight at those sizes. --lighthouse runs tools/node_modules' Lighthouse (npm install
--no-save --prefix tools lighthouse@12.2.3; mobile, simulated throttling, its defaults) --runs
times per page and prints the median of each category; --why lists the audits that cost points.
Without Lighthouse it says LIGHTHOUSE NOT RUN. Lighthouse's simulated throttling is computed
from a trace, so a busy machine still moves Performance by a few points: report the load.
"""

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
PAGES = {"home": "/", "program": "/classes/wendeng-wenqixing-2027-winter/", "form": "/enrol/wangjing-2027-winter/week-1"}
LIGHTHOUSE = ROOT / "tools" / "node_modules" / ".bin" / "lighthouse"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(work, site=None, classes=None):
    """gunicorn on the devserver, as `make run` starts it; `site` and `classes` swap in a synthetic catalogue."""
    port = free_port()
    env = {**os.environ, "FORMS_APP_DATABASE": str(work / "forms.sqlite3")}
    if classes:
        env["FORMS_APP_CLASSES_DIR"] = str(classes)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            f"forms_app.devserver:site_and_app({str(site)!r})" if site else "forms_app.devserver:site_and_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not answer")


def weigh(browser, url):
    # The catalogue's service worker would take over mid-load, and a response it hands the page
    # reports its decoded size as the bytes sent; weigh what the page itself asks for instead.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", service_workers="block")
    page = context.new_page()
    seen = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.goto(url, wait_until="networkidle")
    raw = sent = 0
    for request in seen:
        response = request.response()
        if response is None:
            continue
        body = response.body()
        raw += len(body)
        sent += request.sizes()["responseBodySize"] or (as_sent(request.url) if body else 0)
    context.close()
    return len(seen), raw, sent


def as_sent(url):
    """Bytes on the wire for a request Chromium reports no size for (the search worker's script):
    fetched again as a phone asks for it, compressed."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return len(response.read())


def index_weights(sizes):
    from benchmarks.build_speed import synthetic, timed_build

    for n in sizes:
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            synthetic(n, work / "classes")
            seconds = timed_build(work / "classes", work / "site", work / "docs")
            data = (work / "site" / "search" / "search_index.json").read_bytes()
            print(
                f"search index at {n:>5} programs: {len(data) / 1024:8.1f} KiB raw, {len(gzip.compress(data)) / 1024:7.1f} KiB gzip"
                f"  (build {seconds:.1f} s)"
            )


CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def lighthouse_once(url):
    """One Lighthouse run with its defaults (mobile, simulated throttling): the report, or why it failed."""
    out = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    if out.returncode:
        return None, out.stderr.strip()[-300:]
    return json.loads(out.stdout), None


def costs(report):
    """The audits that lost points, by title, with Lighthouse's own figure where it gives one."""
    lost = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                lost.append(f"{category['title']}: {audit['title']} ({audit.get('displayValue', audit['score'])})")
    return lost


def lighthouse(urls, runs, why):
    """The median of `runs` Lighthouse runs for each of {name: url}."""
    if not LIGHTHOUSE.exists():
        print(f"LIGHTHOUSE NOT RUN: {LIGHTHOUSE.relative_to(ROOT)} is missing (npm install --no-save --prefix tools lighthouse@12.2.3)")
        return
    print(f"lighthouse, median of {runs} runs each (mobile, simulated throttling); load average {os.getloadavg()[0]:.1f}")
    print(f"{'page':8} " + " ".join(f"{c:>14}" for c in CATEGORIES) + "   each run's performance")
    for name, url in urls.items():
        scores = {c: [] for c in CATEGORIES}
        lost = set()
        for _ in range(runs):
            report, error = lighthouse_once(url)
            if report is None:
                print(f"lighthouse {name}: failed ({error})")
                continue
            for c in CATEGORIES:
                scores[c].append(round(report["categories"][c]["score"] * 100))
            lost.update(costs(report))
        if not scores["performance"]:
            continue
        print(f"{name:8} " + " ".join(f"{statistics.median(scores[c]):>14g}" for c in CATEGORIES) + f"   {scores['performance']}")
        if why:
            for line in sorted(lost):
                print(f"         - {line}")


def home_at(programs, args):
    """The home page's first load on a catalogue of `programs` synthetic programs, and its Lighthouse scores."""
    from playwright.sync_api import sync_playwright

    from benchmarks.build_speed import synthetic, timed_build

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        synthetic(programs, work / "classes")
        timed_build(work / "classes", work / "site", work / "docs")
        server, base = serve(work, site=work / "site", classes=work / "classes")
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                count, raw, sent = weigh(browser, base + "/")
                browser.close()
            print(f"{'home':8} {count:8} {raw / 1024:9.1f} {sent / 1024:9.1f}   at {programs} programs (target: 100 KB sent)")
            if args.lighthouse:
                lighthouse({f"home@{programs}": base + "/"}, args.runs, args.why)
        finally:
            server.terminate()
            server.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-sizes", default="", help="comma-separated program counts, e.g. 300,3000")
    parser.add_argument("--programs", type=int, default=300, help="weigh the home page again at this many programs (0: skip)")
    parser.add_argument("--lighthouse", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is printed")
    parser.add_argument("--why", action="store_true", help="list the audits that cost points")
    args = parser.parse_args(argv)
    if not (ROOT / "site" / "index.html").is_file():
        raise SystemExit("build the site first: .venv/bin/python build.py build")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        server, base = serve(Path(work))
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                print(f"{'page':8} {'requests':>8} {'raw KiB':>9} {'sent KiB':>9}")
                for name, path in PAGES.items():
                    count, raw, sent = weigh(browser, base + path)
                    print(f"{name:8} {count:8} {raw / 1024:9.1f} {sent / 1024:9.1f}")
                browser.close()
            if args.lighthouse:
                lighthouse({name: base + path for name, path in PAGES.items()}, args.runs, args.why)
        finally:
            server.terminate()
            server.wait()
    if args.programs:
        home_at(args.programs, args)
    if args.index_sizes:
        index_weights([int(n) for n in args.index_sizes.split(",")])


if __name__ == "__main__":
    main()
