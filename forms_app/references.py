"""Reference links and short codes.

The reference is the parent's key to their enrolment (it is in the link), so
it carries 128 random bits. The short code is read aloud on the phone to
staff, so it avoids characters that look or sound alike (0/O, 1/I/L).
"""

import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_reference():
    return secrets.token_urlsafe(16)


def _random_text(length):
    """`length` characters of CODE_ALPHABET, all equally likely: one draw of a number below
    31^length written in base 31, where a draw per character asked the OS for random bytes
    `length` times."""
    number, characters = secrets.randbelow(len(CODE_ALPHABET) ** length), []
    for _ in range(length):
        number, digit = divmod(number, len(CODE_ALPHABET))
        characters.append(CODE_ALPHABET[digit])
    return "".join(characters)


def new_code():
    return _random_text(CODE_LENGTH)


def normalize_code(text):
    """Parents type codes in lower case, with spaces or dashes; staff say them in groups of four."""
    return "".join(ch for ch in str(text).upper() if ch.isalnum())


def new_link_token():
    """The token of a short result link in an SMS (/s/<token>): about 50 random bits in 10
    characters, because a whole SMS is 70 characters and the 128-bit reference would take a third."""
    return _random_text(10)
