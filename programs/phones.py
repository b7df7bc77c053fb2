"""Mainland China phone numbers, validated by Google's libphonenumber.

Staff type contact numbers in many shapes (010-8470 1234, 13800138000,
+86 138 0013 8000); parents type their mobile. One module decides what is
valid so the catalogue and the enrolment app never disagree.
"""
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

_LANDLINE_OR_MOBILE = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_MOBILE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(text):
    try:
        number = phonenumbers.parse(str(text), "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return number


def is_contact_phone(text):
    number = _parse(text)
    return number is not None and phonenumbers.number_type(number) in _LANDLINE_OR_MOBILE


def normalize_mobile(text):
    """Return the 11-digit national form of a mainland mobile, or None.

    The national form is what parents type and what duplicate checks compare,
    so "+86 138-0013-8000" and "13800138000" are the same parent.
    """
    return _national_mobile(str(text))


@lru_cache(maxsize=1024)
def _national_mobile(text):
    """Cached because one request asks twice (rate-limit key, then validation),
    and libphonenumber is a twentieth of an enrolment's Python."""
    number = _parse(text)
    if number is None or phonenumbers.number_type(number) not in _MOBILE:
        return None
    return str(number.national_number)


def tel_uri(text):
    """An RFC 3966 tel: link, so a tap on a phone dials the number."""
    number = _parse(text)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)


def mask(mobile):
    """139****0001: enough for a parent to recognise, not enough to call."""
    mobile = str(mobile)
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]
