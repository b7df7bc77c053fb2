"""The 摇号 records the enrolment app publishes, shown and offered for download on program pages.

The app writes one JSON file per lottery session to <published>/lottery/<program>/<session>.json:
the commitment alone until the draw, the seed, entries and result after it. The catalogue only
copies them; `python build.py verify-lottery FILE` is how anyone checks one.
"""
import json
from pathlib import Path


def read_published(folder):
    """{program id: {session id: record}}; a file whose name disagrees with its content is skipped."""
    records = {}
    for path in sorted(Path(folder, "lottery").glob("*/*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and (record.get("program"), record.get("session")) == (path.parent.name, path.stem):
            records.setdefault(path.parent.name, {})[path.stem] = record
    return records


def download_name(session):
    return f"lottery-{session.id}.json"


def as_file(record):
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"
