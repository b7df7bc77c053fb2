import pytest

import build


class Classes:
    """A temporary classes/ folder and a way to run `build.py check` on it."""

    def __init__(self, root, capsys):
        self.root = root
        self._capsys = capsys

    def write(self, text, name="wangjing-2027-winter", folder="beijing-chaoyang"):
        path = self.root / folder / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def check(self):
        self._capsys.readouterr()
        code = build.main(["check", "--classes", str(self.root)])
        out = self._capsys.readouterr().out
        return code, out.splitlines()


@pytest.fixture
def classes(tmp_path, capsys):
    return Classes(tmp_path / "classes", capsys)
