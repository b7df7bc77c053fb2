"""Backup files that carry their date, and pruning the old ones.

A backup holds every child's personal data, so it must not outlive the
retention the privacy notice promises: `flask --app forms_app backup DIR`
names each file forms-YYYY-MM-DD-HHMM.sqlite3 and removes those of its kind
older than BACKUP_KEEP_DAYS; other files in the folder are never touched.
"""

import re
from datetime import date, datetime
from pathlib import Path

DATED = re.compile(r"^forms-(\d{4})-(\d{2})-(\d{2})-(\d{4})\.sqlite3$")


def target(path, at):
    """The file to write: PATH itself, or a dated file inside PATH when it is a folder."""
    path = Path(path)
    if path.is_dir():
        return path / f"forms-{at.strftime('%Y-%m-%d-%H%M')}.sqlite3"
    return path


def prune(folder, before, keep=None):
    """Delete dated backups in `folder` from before that date; return the paths deleted."""
    deleted = []
    for candidate in sorted(Path(folder).iterdir()):
        found = DATED.match(candidate.name)
        if not found or candidate == keep or not candidate.is_file():
            continue
        if date(int(found[1]), int(found[2]), int(found[3])) < before:
            candidate.unlink()
            deleted.append(candidate)
    return deleted


def latest(folder):
    """(newest dated backup, its time, its size in bytes, how many dated backups) in folder, or None."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    dated = sorted(
        (found.groups(), candidate) for candidate in folder.iterdir() if (found := DATED.match(candidate.name)) and candidate.is_file()
    )
    if not dated:
        return None
    (year, month, day, hhmm), newest = dated[-1]
    at = datetime(int(year), int(month), int(day), int(hhmm[:2]), int(hhmm[2:]))
    return newest, at, newest.stat().st_size, len(dated)
