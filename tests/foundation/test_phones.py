"""A parent's mobile is read the way libphonenumber reads it, whichever path the text takes."""

import random

import phonenumbers
import pytest

from programs import phones


def parsed_by_the_library(text):
    """The mobile's national form as `phonenumbers.parse` and its validation give it, or None."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}:
        return None
    return str(number.national_number)


def test_every_eleven_digit_prefix_is_read_as_the_library_parses_it():
    """Plain 11 digits skip `parse`; over every 4-digit start (17951 carrier codes, unallocated
    and virtual ranges included) the answer must be the library's own."""
    draw = random.Random(20261204)
    texts = [f"{prefix}{draw.randrange(10**7):07d}" for prefix in range(1000, 2000) for _ in range(8)]
    texts += [f"179{carrier:02d}{draw.randrange(10**6):06d}" for carrier in range(100)]
    phones._national_mobile.cache_clear()
    differ = [(text, phones.normalize_mobile(text), parsed_by_the_library(text)) for text in texts]
    differ = [row for row in differ if row[1] != row[2]]
    assert differ == []
    accepted = sum(phones.normalize_mobile(text) is not None for text in texts)
    assert 1000 < accepted < len(texts), "the sample holds both mobiles and numbers that are not"


@pytest.mark.parametrize(
    ("typed", "national"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("17012345678", "17012345678"),
        ("12345678901", None),
        ("1380013800", None),
        ("010-84701234", None),
    ],
)
def test_the_shapes_parents_type(typed, national):
    assert phones.normalize_mobile(typed) == national
