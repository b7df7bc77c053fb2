"""Whatever bytes land in classes/, check answers with PATH:LINE: messages, never a traceback."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.loader import load_program
from tests.foundation.samples import VALID


def _answer(tmp_path, data):
    path = tmp_path / "fuzz-1.yaml"
    path.write_bytes(data)
    program, problems = load_program(path, tmp_path)
    assert (program is None) == bool(problems)
    for problem in problems:
        assert str(problem).startswith(f"{path}:{problem.line}: ") and problem.line >= 1 and problem.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes(tmp_path, data):
    _answer(tmp_path, data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.integers(0, len(VALID) - 1), st.integers(0, 40), st.text(max_size=12))
def test_any_edit_of_a_valid_file(tmp_path, start, length, insert):
    edited = VALID[:start] + insert + VALID[start + length :]
    _answer(tmp_path, edited.encode("utf-8"))
