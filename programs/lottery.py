"""The 摇号 draw: reproducible, and checkable by anyone from published data.

In the spirit of RFC 3797 (publicly verifiable random selection):

1. Before registration closes, staff commit to a secret seed by publishing
   commitment = SHA-256(seed). The seed has 256 random bits, so nobody can
   enumerate outcomes, and nobody (staff included) can pick a seed after
   seeing the entries without breaking the commitment.
2. Entries are units: one child, or siblings registered together when the
   program sets `siblings_together`. Each child enters under a draw ticket,
   HMAC-SHA256(seed, "ticket:" + reference) cut to 16 hex digits: the
   reference is the secret 128-bit key in the parent's result link, so the
   ticket names nobody and cannot be turned back into a lookup code or a link,
   yet the parent sees their own ticket on their result page and finds it in
   the record. (A record must never list 查询码: with one and a phone number,
   anyone could open and cancel the place.) A unit is the sorted tuple of its
   tickets; units are listed in canonical order (sorted by their tickets).
3. At the draw the seed is revealed. Each unit's rank is
   SHA-256(seed + ":" + ",".join(tickets)); units are drawn in ascending rank
   order (ties are impossible in practice and broken by the tickets).
4. Walking the drawn order, a unit is confirmed when all its members fit in
   the places left; otherwise it is waitlisted, and a later, smaller unit may
   still take the remaining places. Capacity is never exceeded. The waitlist
   keeps drawn order, so later cancellations promote in that order.

Anyone can recompute the result with `python build.py verify-lottery FILE`.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

# The draw over the listed strings is unchanged since records listed short codes, so
# those older records still verify under the same name.
ALGORITHM = "sha256-units-v1"
TICKET_DIGITS = 16


def new_seed():
    return secrets.token_hex(32)


def commitment(seed):
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def entry_ticket(seed, reference):
    """One enrolment's draw ticket (see step 2): 64 bits are plenty to keep a few thousand
    entries apart, and short enough for a parent to compare by eye.

    >>> entry_ticket("00" * 32, "x") == entry_ticket("00" * 32, "x") != entry_ticket("11" * 32, "x")
    True
    >>> len(entry_ticket("00" * 32, "x"))
    16
    """
    digest = hmac.new(seed.encode("ascii"), f"ticket:{reference}".encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:TICKET_DIGITS]


def canonical_units(units):
    return sorted(tuple(sorted(unit)) for unit in units)


def ticket(seed, unit):
    return hashlib.sha256(f"{seed}:{','.join(unit)}".encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Draw:
    order: list
    confirmed: list
    waitlisted: list


def draw(units, seed, capacity):
    order = sorted(canonical_units(units), key=lambda unit: (ticket(seed, unit), unit))
    confirmed, waitlisted, left = [], [], capacity
    for unit in order:
        if len(unit) <= left:
            confirmed.extend(unit)
            left -= len(unit)
        else:
            waitlisted.extend(unit)
    return Draw(order=order, confirmed=confirmed, waitlisted=waitlisted)


def publication(program_id, session_id, capacity, seed, units):
    """The JSON-ready record staff publish and anyone can verify."""
    result = draw(units, seed, capacity)
    return {
        "algorithm": ALGORITHM,
        "program": program_id,
        "session": session_id,
        "capacity": capacity,
        "commitment": commitment(seed),
        "seed": seed,
        "entries": [list(unit) for unit in canonical_units(units)],
        "confirmed": result.confirmed,
        "waitlisted": result.waitlisted,
    }


def verify(record):
    """Return a list of problems (Chinese), empty when the published result is exactly reproduced."""
    try:
        seed, units, capacity = record["seed"], record["entries"], int(record["capacity"])
        claimed = (list(record["confirmed"]), list(record["waitlisted"]))
        declared_commitment, algorithm = record["commitment"], record["algorithm"]
    except (KeyError, TypeError, ValueError) as missing:
        return [f"公示数据不完整：缺少或无法读取 {missing}"]
    if algorithm != ALGORITHM:
        return [f"未知的摇号算法“{algorithm}”，本程序只能验证 {ALGORITHM}"]
    problems = []
    if commitment(seed) != declared_commitment:
        problems.append("种子与事先公布的承诺值不符：SHA-256(种子) 应等于公布的承诺值")
    result = draw(units, seed, capacity)
    if (result.confirmed, result.waitlisted) != claimed:
        problems.append("用公示的种子和报名编号重新计算，结果与公示的中签和候补名单不一致")
    return problems
