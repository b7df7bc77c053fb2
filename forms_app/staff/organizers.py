"""Staff accounts belong to an organizer id from classes/organizers.yaml.

Accounts made before the list existed hold the union's Chinese name; they
resolve to the same id here, so they keep seeing their classes without a
data migration, and a union renamed in the list keeps its staff.
"""

from flask import g

from .. import served


def registry():
    return served.catalogue().organizers


def of(account):
    """The organizer id an account is scoped to (None for a district admin)."""
    if account is None or account.admin:
        return None
    cache = g.setdefault("organizer_ids", {})  # one lookup per request, not one per program listed
    if account.organizer not in cache:
        cache[account.organizer] = registry().resolve(account.organizer) or account.organizer
    return cache[account.organizer]


def name(organizer_id):
    """The Chinese name staff read, for an id (or a legacy name, shown as it is)."""
    return registry().name_of(organizer_id) if organizer_id else ""


def choices():
    """(id, "name（district）") for every union in the list, for the admin's account form."""
    return [(o.id, f"{o.name}（{o.district}）" if o.district else o.name) for o in registry().values()]


def init_app(app):
    app.add_template_filter(name, "organizer")
