"""What a parent's phone downloads: requests and bytes for the home page, a program page and the form.

    .venv/bin/python build.py build && .venv/bin/python benchmarks/page_weight.py [--index-sizes 300,3000] [--lighthouse]

Runs what `make run` runs (gunicorn on forms_app.devserver, compression on, a throwaway
database) and loads each page in Debian Chromium at 360 px with an empty cache, counting every
request and its bytes as sent (compressed) and as decoded (raw). With --index-sizes it also
builds N synthetic programs (benchmarks/build_speed.py) and prints the search index's weight,
which Material fetches on every page load. --lighthouse runs tools/node_modules' Lighthouse
(npm install --no-save --prefix tools lighthouse@12.2.3) and skips loudly when it is absent.
"""

import argparse
import gzip
import json
import os
import socket
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


def serve(work):
    port = free_port()
    env = {**os.environ, "FORMS_APP_DATABASE": str(work / "forms.sqlite3")}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "forms_app.devserver:site_and_app()",
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
        raw += len(response.body())
        sent += request.sizes()["responseBodySize"]
    context.close()
    return len(seen), raw, sent


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


def lighthouse(base):
    if not LIGHTHOUSE.exists():
        print(f"LIGHTHOUSE NOT RUN: {LIGHTHOUSE.relative_to(ROOT)} is missing (npm install --no-save --prefix tools lighthouse@12.2.3)")
        return
    for name, path in PAGES.items():
        out = subprocess.run(
            [
                str(LIGHTHOUSE),
                base + path,
                "--quiet",
                "--output=json",
                "--only-categories=performance,accessibility",
                f"--chrome-path={CHROMIUM}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            capture_output=True,
            text=True,
        )
        if out.returncode:
            print(f"lighthouse {name}: failed ({out.stderr.strip()[-200:]})")
            continue
        report = json.loads(out.stdout)
        scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
        print(f"lighthouse {name:8} {scores}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-sizes", default="", help="comma-separated program counts, e.g. 300,3000")
    parser.add_argument("--lighthouse", action="store_true")
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
                lighthouse(base)
        finally:
            server.terminate()
            server.wait()
    if args.index_sizes:
        index_weights([int(n) for n in args.index_sizes.split(",")])


if __name__ == "__main__":
    main()
