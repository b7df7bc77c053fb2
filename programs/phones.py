"""Mainland China phone numbers, validated by Google's libphonenumber.

Staff type contact numbers in many shapes (010-8470 1234, 13800138000,
+86 138 0013 8000); parents type their mobile. One module decides what is
valid so the catalogue and the enrolment app never disagree.
"""

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, shortnumberinfo

_LANDLINE_OR_MOBILE = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_MOBILE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# 400/800 numbers: unions publish their hotline as often as a desk phone.
_SERVICE = {PhoneNumberType.UAN, PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST}
# 010-64700001转8012 / 分机 8012: libphonenumber reads extensions written as "ext.".
_EXTENSION = re.compile(r"\s*(?:转|分机|-?ext\.?|x)\s*(\d{1,6})\s*$", re.IGNORECASE)
# What a parent usually types: 11 digits from a 1. `parse` keeps those as they are unless they begin
# with what CN's metadata strips as a national or carrier prefix (0, 17951...), so such a text is
# the national number itself and only its type needs the library.
_PLAIN_MOBILE = re.compile(r"1\d{10}")
_STRIPPED_PREFIX = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").national_prefix_for_parsing)


def _parse(text):
    try:
        number = phonenumbers.parse(str(text), "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return number


def _with_extension(text):
    return _EXTENSION.sub(r" ext. \1", str(text))


def _short_number(text):
    """12351 (the ACFTU hotline), 95598: five- and six-digit service numbers, never 110-style emergency ones."""
    digits = re.sub(r"[\s-]", "", str(text))
    if not re.fullmatch(r"\d{5,6}", digits):
        return None
    number = phonenumbers.parse(digits, "CN")
    return digits if shortnumberinfo.is_valid_short_number_for_region(number, "CN") else None


def is_contact_phone(text):
    """What a program may publish as its contact: a mobile, a landline (with extension) or a service number."""
    if _short_number(text):
        return True
    number = _parse(_with_extension(text))
    return number is not None and phonenumbers.number_type(number) in _LANDLINE_OR_MOBILE | _SERVICE


def normalize_mobile(text):
    """Return the 11-digit national form of a mainland mobile, or None.

    The national form is what parents type and what duplicate checks compare,
    so "+86 138-0013-8000" and "13800138000" are the same parent.
    """
    return _national_mobile(str(text))


@lru_cache(maxsize=1024)
def _national_mobile(text):
    """Cached because one request asks twice (rate-limit key, then validation),
    and libphonenumber is a twentieth of an enrolment's Python. A mobile type is a valid
    number's, so a plain 11 digits is asked only its type, not parsed and validated first."""
    if _PLAIN_MOBILE.fullmatch(text) and not _STRIPPED_PREFIX.match(text):
        number = phonenumbers.PhoneNumber(country_code=86, national_number=int(text))
    else:
        number = _parse(text)
    if number is None or phonenumbers.number_type(number) not in _MOBILE:
        return None
    return str(number.national_number)


@lru_cache(maxsize=1024)
def tel_uri(text):
    """An RFC 3966 tel: link, so a tap on a phone dials the number. Cached: every form page
    links its program's contact, and libphonenumber would parse it again for each parent."""
    short = _short_number(text)
    if short:
        return f"tel:{short}"
    number = _parse(_with_extension(text))
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)


def mask(mobile):
    """139****0001: enough for a parent to recognise, not enough to call."""
    mobile = str(mobile)
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]
