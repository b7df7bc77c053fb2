"""Codes read aloud and SMS link tokens: only characters that cannot be misheard, every one of
them possible in every place (a code that favoured some would be easier to guess)."""

from forms_app.references import CODE_ALPHABET, CODE_LENGTH, new_code, new_link_token


def test_codes_use_every_unambiguous_character_in_every_place():
    codes = [new_code() for _ in range(4000)]
    assert {len(code) for code in codes} == {CODE_LENGTH}
    assert not set("".join(codes)) - set(CODE_ALPHABET) and not set("01IOL") & set(CODE_ALPHABET)
    for place in range(CODE_LENGTH):
        assert {code[place] for code in codes} == set(CODE_ALPHABET), place
    assert len(set(codes)) == len(codes)


def test_link_tokens_are_ten_such_characters():
    tokens = [new_link_token() for _ in range(4000)]
    assert {len(token) for token in tokens} == {10}
    for place in range(10):
        assert {token[place] for token in tokens} == set(CODE_ALPHABET), place
