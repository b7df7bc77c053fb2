"""How long `build.py build` takes for N programs, next to the floor it cannot beat.

    .venv/bin/python benchmarks/build_speed.py [--sizes 100,1000,3000] [--serve-at 1000]

For each size it writes N synthetic programs (the shipped ones, renamed and
shuffled) to a temporary classes/ folder and times:
  build   the full `build.py build` (validation, pages, .ics, QR, search index);
  floor   Python-Markdown plus one plain Jinja2 layout over the same generated
          Markdown pages, written to disk: the least any Markdown site costs;
  floor*  the same, but the finished HTML parts of a page (catalogue/hooks.py)
          are put in place instead of going through Markdown, as the build does;
  cpu     CPU seconds of the build's processes (both of them) and of the floor:
          on a machine other work is loading, the ratio of these moves less
          than the ratio of wall-clock seconds;
  serve   at --serve-at programs, from saving one edited YAML to the preview
          server returning the changed program page.
It also prints the gzip weight of the home page plus its search index at 300
programs, because Material fetches the index on page load.
"""

import argparse
import copy
import gzip
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import markdown
import yaml
from jinja2 import Template

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from catalogue import hooks  # noqa: E402
from programs.loader import program_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TAGS = [
    "书法",
    "美术",
    "科技",
    "英语",
    "非遗",
    "花饽饽",
    "榫卯",
    "剪纸",
    "体能",
    "诗词",
    "历史",
    "编程",
    "围棋",
    "舞蹈",
    "合唱",
    "夜校",
    "外卖",
    "安全",
]
STREETS = ["望京街道", "三里屯街道", "建外街道", "孙河街道", "酒仙桥街道", "麦子店街道", "将台地区", None]
DISTRICTS = ["北京市朝阳区", "北京市海淀区", "山东省威海市文登区", "江西省新余市", "上海市浦东新区", "广东省深圳市南山区"]
LAYOUT = Template(
    "<!doctype html><html lang=zh><head><meta charset=utf-8><title>{{ title }}</title>"
    "<link rel=stylesheet href=/style.css></head><body><nav>{{ nav }}</nav><main>{{ body }}</main></body></html>"
)


def shipped_programs():
    # Program files only: classes/organizers.yaml (the organizer registry) is a list, not a program.
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in program_files(ROOT / "classes")]


def synthetic(n, folder, seed=7):
    rng = random.Random(seed)
    bases = shipped_programs()
    # Programs name their union by id in classes/organizers.yaml, as the shipped ones do.
    unions = [
        {"id": f"union-{k}", "name": f"{DISTRICTS[k % len(DISTRICTS)]}第{k % 40}工会", "district": DISTRICTS[k % len(DISTRICTS)]}
        for k in range(120)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organizers.yaml").write_text(yaml.safe_dump(unions, allow_unicode=True, sort_keys=False), encoding="utf-8")
    first = date.today() + timedelta(days=30)
    for i in range(n):
        data = copy.deepcopy(bases[i % len(bases)])
        district = DISTRICTS[i % len(DISTRICTS)]
        data["title"] = f"{data['title'][:40]}（第 {i} 期）"
        data["organizer"] = f"union-{i % 120}"
        data["district"] = district
        data["street"] = STREETS[i % len(STREETS)]
        data["tags"] = rng.sample(TAGS, 4)
        data["status"] = "published"
        data.pop("images", None)
        start = first + timedelta(days=rng.randrange(0, 200))
        for k, session in enumerate(data["sessions"]):
            session["start"] = start + timedelta(days=14 * k)
            session["end"] = session["start"] + timedelta(days=11)
        data["registration"]["opens"] = f"{date.today() - timedelta(days=1)} 09:00"
        data["registration"]["closes"] = f"{start - timedelta(days=3)} 17:00"
        target = folder / f"d{i % 20}" / f"synthetic-{i:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def timed_build(classes, out, docs):
    """What `build.py build` does, in a fresh interpreter, pointed at a private docs folder."""
    code = (
        "import sys, build; from programs.loader import load_catalogue; from catalogue.site import build_site;"
        "c = load_catalogue(sys.argv[1]); build.report(c) and sys.exit(1);"
        "build_site(c, out=sys.argv[2], docs_dir=sys.argv[3])"
    )
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([PYTHON, "-c", code, str(classes), str(out), str(docs)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu():
    """CPU seconds (user + system) of every finished child process, the build's assets process included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def floor(docs, out, split=False):
    """Markdown + Jinja2 over the very pages MkDocs just rendered; with split, Markdown only
    over each page's Markdown part, its finished HTML parts put in place afterwards.
    Returns (wall seconds, CPU seconds)."""
    started, cpu = time.perf_counter(), time.process_time()
    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc"])
    pages = 0
    for source in docs.rglob("*.md"):
        text = source.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        if split:
            text, _, tail = text.partition(hooks.SPLIT)
            body = md.reset().convert(text)
            for number, part in enumerate(tail.split(hooks.PART) if tail else []):
                body = body.replace(hooks.slot(number), part, 1)
        else:
            body = md.reset().convert(text)
        target = out / source.relative_to(docs).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(LAYOUT.render(title=source.stem, nav="", body=body), encoding="utf-8")
        pages += 1
    return time.perf_counter() - started, time.process_time() - cpu


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def serve_latency(classes):
    """Seconds from saving one YAML to the preview serving the new title."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [PYTHON, "build.py", "serve", "--classes", str(classes), "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 300
        while "cat-card" not in fetch(base) and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(2)
        edited = sorted(classes.rglob("*.yaml"))[0]
        page = f"{base}classes/{edited.stem}/"
        text = edited.read_text(encoding="utf-8")
        marker = "已修改的班名"
        started = time.perf_counter()
        edited.write_text(text.replace("title: ", f"title: {marker}", 1), encoding="utf-8")
        while marker not in fetch(page):
            if time.perf_counter() - started > 60:
                return float("nan")
            time.sleep(0.05)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)


def home_weight(site):
    home = gzip.compress((site / "index.html").read_bytes())
    index = gzip.compress((site / "search" / "search_index.json").read_bytes())
    return len(home) / 1024, len(index) / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--serve-at", type=int, default=1000, help="measure the preview at this size (0: skip)")
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in args.sizes.split(",")} | ({300} if 300 not in args.sizes.split(",") else set()))
    print(
        f"{'programs':>8} {'pages':>6} {'build s':>8} {'pages/s':>8} {'floor s':>8} {'ratio':>6} {'floor* s':>8} {'ratio*':>6} "
        f"{'cpu s':>7} {'floor cpu':>9} {'cpu ratio':>9} {'serve s':>8}"
    )
    builds = {}
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-"))
        try:
            synthetic(n, work / "classes")
            seconds, cpu = timed_build(work / "classes", work / "site", work / "docs")
            pages = sum(1 for _ in (work / "site").rglob("*.html"))
            floor_seconds, floor_cpu = floor(work / "docs", work / "floor")
            split_seconds, _ = floor(work / "docs", work / "floor-split", split=True)
            serve = serve_latency(work / "classes") if n == args.serve_at else None
            builds[n] = seconds, cpu
            print(
                f"{n:>8} {pages:>6} {seconds:>8.2f} {pages / seconds:>8.0f} {floor_seconds:>8.2f} "
                f"{seconds / floor_seconds:>6.2f} {split_seconds:>8.2f} {seconds / split_seconds:>6.2f} "
                f"{cpu:>7.2f} {floor_cpu:>9.2f} {cpu / floor_cpu:>9.2f} {'' if serve is None else f'{serve:.2f}':>8}",
                flush=True,
            )
            if n == 300:
                home, index = home_weight(work / "site")
                print(f"{'':>8} home page {home:.0f} KB gzip + search index {index:.0f} KB gzip = {home + index:.0f} KB")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if 1000 in builds and 3000 in builds:
        (wall_3000, cpu_3000), (wall_1000, cpu_1000) = builds[3000], builds[1000]
        print(f"3000 programs cost {wall_3000 / wall_1000:.2f}x what 1000 cost ({cpu_3000 / cpu_1000:.2f}x the CPU seconds)")


if __name__ == "__main__":
    main()
