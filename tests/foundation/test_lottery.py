"""The lottery is reproducible, verifiable from published data, and never over capacity."""

from hypothesis import assume, given
from hypothesis import strategies as st

from programs.lottery import commitment, draw, new_seed, publication, verify

CODES = ["K7M2QX", "A3F9TZ", "P4W8NC", "H2R6YD", "B9E3JU", "T5G7VL"]


def test_same_entries_and_seed_give_the_same_result_whatever_the_arrival_order():
    seed = new_seed()
    first = draw([[c] for c in CODES], seed, 3)
    second = draw([[c] for c in reversed(CODES)], seed, 3)
    assert first == second
    assert len(first.confirmed) == 3 and sorted(first.confirmed + first.waitlisted) == sorted(CODES)


def test_a_different_seed_gives_a_different_order():
    orders = {tuple(draw([[c] for c in CODES], new_seed(), 3).confirmed) for _ in range(20)}
    assert len(orders) > 1


def test_seed_has_256_bits_and_commitment_is_its_sha256():
    seed = new_seed()
    assert len(seed) == 64 and int(seed, 16) >= 0
    assert commitment(seed) == __import__("hashlib").sha256(seed.encode()).hexdigest()


def test_published_record_verifies_and_tampering_is_caught():
    record = publication("sanlitun-2027-winter", "winter", 2, new_seed(), [[c] for c in CODES])
    assert verify(record) == []

    swapped = dict(record, confirmed=record["waitlisted"][:2], waitlisted=record["confirmed"] + record["waitlisted"][2:])
    assert "不一致" in verify(swapped)[0]

    other_seed = dict(record, seed=new_seed())
    assert any("承诺值" in problem for problem in verify(other_seed))


def test_siblings_drawn_together_are_confirmed_or_waitlisted_together():
    units = [["A3F9TZ", "K7M2QX"], ["P4W8NC"], ["H2R6YD"], ["B9E3JU", "T5G7VL"]]
    for _ in range(30):
        result = draw(units, new_seed(), 3)
        for unit in units:
            assert set(unit) <= set(result.confirmed) or set(unit) <= set(result.waitlisted)


@given(
    st.lists(
        st.lists(st.text("ABCDEFGHJKMNPQRSTUVWXYZ23456789", min_size=6, max_size=6), min_size=1, max_size=3),
        max_size=40,
        unique_by=lambda unit: unit[0],
    ),
    st.integers(1, 50),
    st.binary(min_size=32, max_size=32),
)
def test_winners_never_exceed_capacity(units, capacity, seed_bytes):
    codes = [code for unit in units for code in unit]
    assume(len(set(codes)) == len(codes))
    result = draw(units, seed_bytes.hex(), capacity)
    assert len(result.confirmed) <= capacity
    assert sorted(result.confirmed + result.waitlisted) == sorted(codes)
    if len(codes) <= capacity:
        assert not result.waitlisted


def test_verify_lottery_command_recomputes_from_the_published_file(tmp_path, capsys):
    import json

    import build

    record = publication("sanlitun-2027-winter", "winter", 2, new_seed(), [[c] for c in CODES])
    good = tmp_path / "lottery.json"
    good.write_text(json.dumps(record), encoding="utf-8")
    assert build.main(["verify-lottery", str(good)]) == 0
    assert "验证通过" in capsys.readouterr().out

    record["confirmed"], record["waitlisted"] = record["waitlisted"][:2], record["confirmed"] + record["waitlisted"][2:]
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    assert build.main(["verify-lottery", str(bad)]) == 1
    assert "不一致" in capsys.readouterr().out
