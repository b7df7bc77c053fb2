"""The app's one clock: Beijing time, as a datetime for rules and as the text rows store.

Every decision that depends on the time (a registration window, a purge cut-off,
a row's stamp) reads it here, so a test or a replay has one place to look.
"""

from datetime import datetime

from programs.model import SHANGHAI


def now():
    return datetime.now(SHANGHAI)


def stamp():
    """Millisecond ISO text: sortable as a string, which both databases compare as text."""
    return now().isoformat(timespec="milliseconds")
