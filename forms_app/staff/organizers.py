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
    """The organizer id an account is scoped to (None for an admin)."""
    if account is None or account.admin:
        return None
    cache = g.setdefault("organizer_ids", {})  # one lookup per request, not one per program listed
    if account.organizer not in cache:
        cache[account.organizer] = registry().resolve(account.organizer) or account.organizer
    return cache[account.organizer]


def name(organizer_id):
    """The Chinese name staff read, for an id (or a legacy name, shown as it is)."""
    return registry().name_of(organizer_id) if organizer_id else ""


def district_of(organizer_id):
    """The district organizers.yaml gives the union, or None (unknown id, or no list)."""
    found = registry().get(organizer_id)
    return (found.district or None) if found else None


def districts():
    """Every district organizers.yaml names, in the list's order: what a district admin may be limited to."""
    return list(dict.fromkeys(o.district for o in registry().values() if o.district))


def scope(account):
    """What an account reaches, as staff read it: its union, its district's unions, or all of them."""
    if account.admin:
        return f"区总工会管理员（{account.district}）" if account.district else "总管理员（全部区县）"
    return name(of(account))


def choices():
    """(id, "name（district）") for every union in the list, for the admin's account form."""
    return [(o.id, f"{o.name}（{o.district}）" if o.district else o.name) for o in registry().values()]


def init_app(app):
    app.add_template_filter(name, "organizer")
    app.add_template_filter(scope, "scope")
