"""The public 摇号 records: what each file holds, where it lies, what a download is called.

The enrolment app writes one file per lottery session (the commitment alone
until the draw, everything needed to re-run it after), the catalogue build
shows and offers them on program pages, the staff console offers the same
file, and `build.py verify-lottery FILE` checks one. All of them go through
here, so the folder and the format cannot mean two things.
"""

import json
import os
from pathlib import Path

from . import lottery

FOLDER = "lottery"


def path(root, program_id, session_id):
    """<root>/lottery/<program>/<session>.json; `root` is the app's PUBLISH_DIR and the build's --published."""
    return Path(root, FOLDER, program_id, f"{session_id}.json")


def download_name(program_id, session_id):
    return f"lottery-{program_id}-{session_id}.json"


def public_record(lot):
    """What anyone may know of a stored lottery: the commitment from the start, everything else
    once drawn; never the seed before."""
    if lot.publication:
        return {**lot.publication, "committed_at": lot.committed_at, "drawn_at": lot.drawn_at}
    return {
        "algorithm": lottery.ALGORITHM,
        "program": lot.program,
        "session": lot.session,
        "commitment": lot.commitment,
        "committed_at": lot.committed_at,
    }


def as_text(record):
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def write(root, lots):
    """Write every lottery's public record, atomically; unchanged files are left alone."""
    for lot in lots:
        target = path(root, lot.program, lot.session)
        text = as_text(public_record(lot))
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)


def read_all(root):
    """{program id: {session id: record}}; a file whose name disagrees with its content is skipped."""
    records = {}
    for found in sorted(Path(root, FOLDER).glob("*/*.json")):
        try:
            record = json.loads(found.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and (record.get("program"), record.get("session")) == (found.parent.name, found.stem):
            records.setdefault(found.parent.name, {})[found.stem] = record
    return records
