"""Files that are not regular files: devices, named pipes, links to them, ``/dev/zero``.

An output is written over a regular file or nothing (a link is followed and kept); anything
else is refused by name and left as it was. An input is read only from a regular file, with
a bound: a named pipe does not block, a device that never ends does not exhaust memory.
Cases that would hang before the fix run in a child process with a time limit, so that a
regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.errors import ConfigError, OutputError, SpecError
from explorer.files import Outputs, read_bounded, read_text_bounded, write_atomically
from tests.cli_helpers import run

LIMIT_S = 120  # a child that takes this long is hung (they take about a second)
COUNT = ["count", "lstm", "--input", "3", "--cells", "4"]
LLAMA = {
    "model_type": "llama",
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 172,
    "vocab_size": 100,
}


def _fifo(tmp_path: Path, name: str = "pipe") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def _explorer(*argv: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """``python -m explorer ARGV`` in a child, ended if it hangs (the test then fails)."""
    return subprocess.run(
        [sys.executable, "-m", "explorer", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=LIMIT_S,
        check=False,
    )


def _one_line(done: subprocess.CompletedProcess[str], expected: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ")
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert expected in done.stderr


# -- outputs --------------------------------------------------------------------------------
def test_outputs_refuse_a_named_pipe_and_leave_it(tmp_path: Path) -> None:
    pipe = _fifo(tmp_path, "rows.csv")
    with pytest.raises(OutputError, match=r"is a named pipe \(FIFO\), not a regular file"):
        Outputs().open(pipe)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_outputs_refuse_a_device_through_a_link(tmp_path: Path) -> None:
    link = tmp_path / "out.png"
    link.symlink_to(os.devnull)
    with pytest.raises(OutputError, match="is a character device, not a regular file"):
        Outputs().open(link, binary=True)
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_outputs_write_through_a_link_and_keep_it(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with Outputs() as outputs:
        outputs.open(link).write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_pipe_made_after_the_check_is_refused_at_the_rename(tmp_path: Path) -> None:
    target = tmp_path / "late.txt"
    outputs = Outputs()
    outputs.open(target).write("x")
    os.mkfifo(target)
    with pytest.raises(OutputError, match="is a named pipe"):
        outputs.commit()
    assert stat.S_ISFIFO(os.lstat(target).st_mode)


@pytest.mark.parametrize("link", [False, True], ids=["pipe", "link-to-pipe"])
def test_write_atomically_refuses_what_is_not_a_regular_file(tmp_path: Path, link: bool) -> None:
    pipe = _fifo(tmp_path)
    target = pipe
    if link:
        target = tmp_path / "link"
        target.symlink_to(pipe)
    with pytest.raises(OSError, match="is a named pipe"):
        write_atomically(target, "text")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"pipe", target.name})


def test_save_config_refuses_a_device_before_solving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(LLAMA))
    argv = ["solve", "--budget", "1M", "--hf-config", str(config), "--free", "layers"]
    status, out, err = run(capsys, [*argv, "--save-config", os.devnull])
    assert (status, out) == (2, "")
    assert "cannot write /dev/null: it is a character device, not a regular file" in err


def test_sweep_save_refuses_a_pipe(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pipe = _fifo(tmp_path, "rows.csv")
    argv = ["sweep", "--budget", "1M", "--arch", "lstm", "--input", "3", "--layers", "1..2"]
    status, out, err = run(capsys, [*argv, "--save", str(pipe)])
    assert (status, out) == (2, "")
    assert "rows.csv: it is a named pipe (FIFO), not a regular file" in err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_standard_output_on_a_full_disk_is_one_line() -> None:
    with open("/dev/full", "w") as full:
        done = _explorer(*COUNT, "--json", stdout=full.fileno())
    _one_line(done, "cannot write to standard output (No space left on device)")


# -- inputs ---------------------------------------------------------------------------------
def test_reader_refuses_a_pipe_without_waiting(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"is a named pipe \(FIFO\), not a regular file"):
        read_bounded(_fifo(tmp_path), 100, "spec file", error=SpecError)


def test_reader_reads_at_most_its_bound(tmp_path: Path) -> None:
    file = tmp_path / "big.json"
    file.write_bytes(b"x" * 101)
    with pytest.raises(ConfigError, match="over 100 bytes is too much for a config"):
        read_text_bounded(file, 100, "config", error=ConfigError)
    assert read_text_bounded(file, 101, "config") == "x" * 101


@pytest.mark.parametrize(
    ("option", "source", "expected"),
    [
        pytest.param("--hf-config", "/dev/zero", "is a character device", id="hf-config-zero"),
        pytest.param("--hf-config", "pipe", "is a named pipe", id="hf-config-pipe"),
        pytest.param("--spec", "pipe", "is a named pipe", id="spec-pipe"),
        pytest.param("--spec", "/dev/zero", "is a character device", id="spec-zero"),
    ],
)
def test_special_inputs_are_refused_in_one_line(
    tmp_path: Path, option: str, source: str, expected: str
) -> None:
    path = str(_fifo(tmp_path)) if source == "pipe" else source
    done = _explorer("count", option, path)
    _one_line(done, expected)


@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_journal_storage_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    if kind == "pipe":
        storage = _fifo(tmp_path, "study.log")
    else:
        storage = tmp_path / "study.log"
        storage.symlink_to(os.devnull)
    argv = ["search", "--budget", "1M", "--arch", "lstm", "--input", "3", "--layers", "1..2"]
    done = _explorer(*argv, "--trials", "2", "--storage", str(storage), "--no-progress")
    _one_line(done, "not a regular file; give a journal file")


def test_a_cache_entry_that_is_a_pipe_is_ignored(tmp_path: Path) -> None:
    env = {**os.environ, "EXPLORER_CACHE_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "explorer", *COUNT, "--json"]
    subprocess.run(argv, env=env, capture_output=True, check=True, timeout=LIMIT_S)
    entries = list(tmp_path.glob("*.json"))
    assert entries
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, check=True, timeout=LIMIT_S
    )
    assert json.loads(done.stdout)["total"] == 144
