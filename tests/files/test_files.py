"""Output files: every target refused before the work, written whole or not at all,
committed together, and never a temporary left behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from explorer.errors import OutputError
from explorer.files import Outputs
from tests.cli_helpers import run as _run
from tests.process_helpers import holds_open

SWEEP = ["sweep", "--budget", "1M,6.5M", "--arch", "lstm,gru", "--layers", "1..3"]
SEARCH = ["search", "--budget", "1M", "--arch", "lstm", "--layers", "1..3", "--trials", "3"]


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores permission bits: use
    sysfs, which refuses everyone)."""
    if os.geteuid() == 0:
        folder = Path("/sys")
        if not folder.is_dir():
            pytest.skip("running as root and no /sys to refuse writes")
        return folder
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def _write(files: Mapping[Path, str | bytes], *, then_fail: bool = False) -> None:
    """Write ``files`` as one command's outputs (and fail at the end when asked)."""
    with Outputs() as outputs:
        for path, data in files.items():
            outputs.open(path, binary=isinstance(data, bytes)).write(data)
        if then_fail:
            raise RuntimeError("halfway")


# -- the library ----------------------------------------------------------------------------
def test_outputs_commit_together(tmp_path: Path) -> None:
    with Outputs() as outputs:
        outputs.open(tmp_path / "a.txt").write("a")
        outputs.open(tmp_path / "b.bin", binary=True).write(b"b")
        assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing visible before"
    assert (tmp_path / "a.txt").read_text() == "a"
    assert (tmp_path / "b.bin").read_bytes() == b"b"


def test_a_failure_in_the_block_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(RuntimeError, match="halfway"):
        _write({tmp_path / "a.txt": "new"}, then_fail=True)
    assert (tmp_path / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failed_rename_puts_back_what_was_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.csv").write_text("old a")
    real = os.replace

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        if str(target).endswith("b.csv"):
            raise PermissionError(13, "Permission denied")
        real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    files = {tmp_path / f"{name}.csv": f"new {name}" for name in "abc"}
    with pytest.raises(OutputError, match=r"cannot write .*b\.csv: the folder is not writable"):
        _write(files)
    monkeypatch.undo()
    assert (tmp_path / "a.csv").read_text() == "old a", "the first target was put back"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param("no/such/x.csv", "folder no/such does not exist", id="missing-folder"),
        pytest.param("a-file/x.csv", "folder a-file is not a folder", id="file-as-folder"),
        pytest.param("a-folder", "it is a folder; give a file name", id="folder-as-file"),
    ],
)
def test_bad_targets_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(OutputError, match=message):
        _write({Path(target): ""})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "a-folder"]


def test_the_same_target_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(OutputError, match="twice in one run"):
        _write({tmp_path / "x.csv": "", tmp_path / "sub" / ".." / "x.csv": ""})
    assert [p.name for p in tmp_path.iterdir()] == ["sub"]


def test_an_unwritable_folder_is_one_error(tmp_path: Path) -> None:
    folder = _unwritable_folder(tmp_path)
    with pytest.raises(OutputError, match="the folder is not writable; choose another"):
        _write({folder / "x.csv": ""})


class _FullDisk:
    """A file object on a full disk: the bytes past ``room`` fail, when written or (as
    buffered data does) when flushed, and again when it is closed."""

    def __init__(self, inner: Any, room: int, *, buffered: bool) -> None:
        self._inner, self._room, self._buffered = inner, room, buffered

    def write(self, data: Any) -> int:
        self._room -= len(data)
        if self._room < 0 and not self._buffered:
            raise OSError(28, "No space left on device")
        return int(self._inner.write(data))

    def flush(self) -> None:
        if self._room < 0:
            raise OSError(28, "No space left on device")
        self._inner.flush()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._inner.close()

    def fileno(self) -> int:
        return int(self._inner.fileno())


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    real: Callable[..., Any] = os.fdopen

    def fill(buffered: bool) -> None:
        monkeypatch.setattr(
            os, "fdopen", lambda *a, **k: _FullDisk(real(*a, **k), room=100, buffered=buffered)
        )

    return fill


def test_a_full_disk_on_flush_is_one_error_and_leaves_nothing(
    tmp_path: Path, full_disk: Callable[[bool], None]
) -> None:
    full_disk(True)
    with pytest.raises(OutputError, match=r"x\.csv: No space left on device; free some space"):
        _write({tmp_path / "x.csv": "a" * 150})
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_mid_write_leaves_nothing(
    tmp_path: Path, full_disk: Callable[[bool], None]
) -> None:
    full_disk(False)
    with pytest.raises(OSError, match="No space left on device"):
        _write({tmp_path / "x.csv": "a" * 150})
    assert list(tmp_path.iterdir()) == []


def test_rows_on_a_full_disk_are_one_error(
    tmp_path: Path, full_disk: Callable[[bool], None]
) -> None:
    from searches.outputs import Outputs as RowOutputs

    full_disk(False)

    def stream() -> None:
        with RowOutputs() as outputs:
            writer = outputs.rows(tmp_path / "rows.jsonl")
            for _ in range(10):
                writer.write({"family": "lstm", "budget": 10, "total": 9, "sizes": {"cells": 1}})

    with pytest.raises(OutputError, match=r"rows\.jsonl: No space left on device"):
        stream()
    assert list(tmp_path.iterdir()) == []


# -- the commands ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param([*SWEEP, "--save", "{ro}/rows.csv"], "not writable", id="sweep-save"),
        pytest.param([*SWEEP, "--plot", "{ro}/p.png"], "not writable", id="sweep-plot"),
        pytest.param([*SEARCH, "--plot", "{ro}/p.png"], "not writable", id="search-plot"),
        pytest.param([*SWEEP, "--save", "{dir}"], "it is a folder", id="sweep-save-onto-folder"),
        pytest.param([*SWEEP, "--plot", "{dir}"], "it is a folder", id="sweep-plot-onto-folder"),
        pytest.param([*SEARCH, "--plot", "{dir}"], "it is a folder", id="search-plot-onto-folder"),
    ],
)
def test_unwritable_outputs_are_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "taken.csv").mkdir()
    (folder / "taken.png").mkdir()
    readonly = _unwritable_folder(tmp_path)
    suffix = ".png" if "--plot" in argv else ".csv"
    filled = [a.format(ro=readonly, dir=f"taken{suffix}") for a in argv]
    status, out, err = _run(capsys, filled)
    assert status == 2
    assert out == ""
    assert err.startswith("error: cannot write ")
    assert err.count("\n") == 1
    assert message in err
    assert sorted(p.name for p in folder.iterdir()) == ["taken.csv", "taken.png"]


def test_a_second_save_that_fails_commits_neither(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.json"
    first.write_text("old")
    real = os.replace

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        if str(target) == str(second):
            raise OSError(28, "No space left on device")
        real(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    status, _, err = _run(capsys, [*SWEEP, "--save", str(first), "--save", str(second)])
    monkeypatch.undo()
    assert status == 2
    assert err.startswith(f"error: cannot write {second}: No space left on device")
    assert first.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a core dump
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_a_full_disk_mid_stream_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """A file-size limit stands in for a full disk: the write fails mid-stream, and again
    when the file is closed, as with ENOSPC."""
    target = tmp_path / "rows.csv"
    argv = ["sweep", "--budget", "1M..2M/1k", "--layers", "1..4", "--save", str(target)]
    done = subprocess.run(
        [sys.executable, "-m", "explorer", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr == (
        f"error: cannot write {target}: File too large; free some space or choose another folder\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to watch the file")
def test_kill_9_mid_stream_leaves_no_temporary(tmp_path: Path) -> None:
    argv = ["sweep", "--budget", "1M..900M/1k", "--layers", "1..8", "--save"]
    process = subprocess.Popen(
        [sys.executable, "-m", "explorer", *argv, str(tmp_path / "rows.csv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not holds_open(process.pid, tmp_path):
            assert process.poll() is None, "the sweep ended before it was killed"
            time.sleep(0.05)
        assert holds_open(process.pid, tmp_path), "the sweep never opened its output"
    finally:
        process.kill()
        process.wait()
    assert list(tmp_path.iterdir()) == []
