"""The 摇号 as the app runs it: when a draw may start, what one entry is, and
where the public record goes.

The draw itself (seed, tickets, order, who fits) is programs/lottery.py, the
same code `python build.py verify-lottery` checks a published file with; the
storage applies its answer in one transaction and refuses to draw twice.
Every lottery session's record is written as JSON into PUBLISH_DIR, with only
the commitment until the draw and the full publication after it, for the
next catalogue build to show on the program page.
"""
import json
import os
from pathlib import Path

from flask import current_app

from programs import lottery as rules

from .admission import Refused, now
from .db import get_db

DEFAULT_PUBLISH_DIR = Path(__file__).resolve().parent.parent / "published" / "lottery"


def units(entries, siblings_together):
    """One entry per child, or per form submission when siblings go together."""
    if not siblings_together:
        return [[entry.code] for entry in entries]
    groups = {}
    for entry in entries:
        groups.setdefault(entry.submission or entry.code, []).append(entry.code)
    return list(groups.values())


def draw(program, session, actor, at=None):
    """(publication, fresh); Refused before the window closes or for a first-come program."""
    registration = program.registration
    if registration.mode != "lottery":
        raise Refused("not_lottery", "这个班是先到先得，不需要摇号。")
    if (at or now()) < registration.closes:
        raise Refused("not_closed", "报名还没有截止，截止后才能摇号。")

    def decide(seed, capacity, entries):
        return rules.publication(program.id, session.id, capacity, seed, units(entries, registration.siblings_together))

    record, fresh = get_db().draw_lottery(program.id, session.id, decide, actor)
    publish()
    return record, fresh


def find(program_id, session_id):
    return next((lot for lot in get_db().lotteries() if (lot.program, lot.session) == (program_id, session_id)), None)


def public_record(lot):
    """What anyone may know: the commitment from the start, everything else once drawn; never the seed before."""
    if lot.publication:
        return {**lot.publication, "committed_at": lot.committed_at, "drawn_at": lot.drawn_at}
    return {
        "algorithm": rules.ALGORITHM,
        "program": lot.program,
        "session": lot.session,
        "commitment": lot.commitment,
        "committed_at": lot.committed_at,
    }


def publish():
    """Write every lottery session's public record; unchanged files are left alone."""
    folder = Path(current_app.config.get("PUBLISH_DIR") or DEFAULT_PUBLISH_DIR)
    for lot in get_db().lotteries():
        target = folder / lot.program / f"{lot.session}.json"
        text = json.dumps(public_record(lot), ensure_ascii=False, indent=2) + "\n"
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)

