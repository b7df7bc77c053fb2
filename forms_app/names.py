"""The one spelling of a person's name the duplicate check compares.

Parents' phones and input methods write one name many ways: `王 小红`,
`王小紅` (traditional), `王⼩红` (U+2F29, a Kangxi radical that looks like 小),
`王小红` with a combining accent or a variation selector after it. Each of
those once became a separate lottery ticket for one child. `fold` maps them
all to one key; the stored and displayed name stays as the parent typed it.
"""

import unicodedata

import zhconv

# Combining marks (variation selectors are Mn too), format characters, controls,
# separators and punctuation (the middle dot in 买买提·艾力 is typed several ways).
DROPPED = ("M", "C", "Z", "P")

# zhconv reads its dictionary on first use (about 50 ms): pay that when a worker starts,
# not in the first enrolment it answers at 09:00.
zhconv.convert("", "zh-cn")


def fold(name):
    """NFKC, traditional folded to simplified, and nothing invisible or decorative left.

    >>> {fold(n) for n in ["王 小红", "王小紅", "王\\u2f29红", "王小红\\u0301", "王小红\\ufe00", "王小\\u200b红"]}
    {'王小红'}
    >>> fold("买买提·艾力") == fold("买买提・艾力") == fold("买买提艾力")
    True
    >>> fold("Tom  LI") == fold("tom li")
    True
    """
    text = unicodedata.normalize("NFKC", str(name))
    text = zhconv.convert(text, "zh-cn")
    kept = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch)[0] not in DROPPED)
    # A name of nothing but punctuation still needs a key of its own.
    return unicodedata.normalize("NFC", kept).casefold() or text


def likely_duplicates(enrolments):
    """Ids of live enrolments that share a folded name and a birthdate with another one: in a
    first-come session each phone may enrol, so staff are shown who may be one child twice."""
    groups = {}
    for enrolment in enrolments:
        if enrolment.status != "cancelled" and enrolment.birthdate:
            groups.setdefault((fold(enrolment.name), enrolment.birthdate), []).append(enrolment.id)
    return {found for ids in groups.values() if len(ids) > 1 for found in ids}
