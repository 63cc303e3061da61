"""The usage file: shared by concurrent servers without losing updates, private, and never
wiped when it cannot be read."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ds_lsp import usage
from ds_lsp.usage import UsageBook, read_days

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from pathlib import Path
from ds_lsp.usage import UsageBook
book = UsageBook(Path(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    book.record(requests=1, upstream=1)
    book.flush()
"""


def _today(path: Path) -> dict:
    (day,) = json.loads(path.read_text()).values()
    return day


def test_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "state" / "usage.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "60"], env=env) for _ in range(4)
    ]
    assert [w.wait(120) for w in writers] == [0, 0, 0, 0]
    assert _today(path)["requests"] == 240
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_the_folder_and_file_are_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "ds-lsp" / "usage.json"
    book = UsageBook(path)
    book.record(requests=1)
    book.flush()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(f"{path}.lock").stat().st_mode) & 0o077 == 0


def test_an_existing_open_folder_is_closed_to_others(tmp_path: Path) -> None:
    folder = tmp_path / "ds-lsp"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    book = UsageBook(folder / "usage.json")
    book.record(requests=1)
    book.flush()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "content", ["{not json", "[1, 2]", "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")]
)
def test_a_broken_file_is_moved_aside_and_reported_not_wiped(tmp_path: Path, content: str) -> None:
    path = tmp_path / "usage.json"
    path.write_text(content, encoding="latin-1")
    book = UsageBook(path)
    book.record(requests=3)
    book.flush()
    (aside,) = tmp_path.glob("usage.json.unreadable-*")
    assert aside.read_text(encoding="latin-1") == content
    assert _today(path)["requests"] == 3
    assert book.problem is not None and str(aside) in book.problem


def test_a_file_that_cannot_be_read_is_left_alone_and_counts_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.mkdir()  # reading it fails whoever we are (root reads through chmod 000)
    book = UsageBook(path)
    book.record(requests=2)
    book.flush()
    assert path.is_dir() and book.problem is not None
    path.rmdir()
    book.record(requests=1)
    book.flush()
    assert _today(path)["requests"] == 3  # nothing counted was lost


def test_non_finite_numbers_in_the_file_count_as_nothing(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text(
        '{"2026-01-01": {"requests": NaN, "shown": Infinity, "accepted": -4, '
        '"upstream": 7, "bogus": 1}}'
    )
    days, problem = read_days(path)
    assert problem is None
    assert (days["2026-01-01"].requests, days["2026-01-01"].upstream) == (0, 7)


def test_the_state_folder_honours_xdg_state_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert usage.state_file() == tmp_path / "ds-lsp" / "usage.json"
