"""Watching the processes a test starts (Linux ``/proc``): their children, whether they
live, which files they hold open; and making sure none outlives its test."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["alive", "children", "default_sigint", "holds_open", "reaped", "wait_for"]


@contextlib.contextmanager
def default_sigint() -> Iterator[None]:
    """Processes started inside take Ctrl-C as a command run from a terminal does, even
    when this test run was started ignoring SIGINT (as a shell's background job is,
    ``pytest &``): an ignored signal is inherited through ``exec``, a handled one is
    reset to the default.

    Example:
        >>> import subprocess, sys
        >>> with default_sigint():
        ...     subprocess.run([sys.executable, "-c", "pass"]).returncode
        0
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def holds_open(pid: int, folder: Path) -> bool:
    """Whether ``pid`` holds a file in ``folder`` open (named, or an anonymous temporary);
    the folder itself, open while Python lists it for imports, does not count."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    inside = os.path.join(str(folder), "")
    return any(link.startswith(inside) for link in links)


def wait_for(condition: Callable[[], bool], what: str, *, limit_s: float = 60) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``limit_s``."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def reaped(pids: list[int]) -> Iterator[None]:
    """Whatever happens in the block, these processes do not outlive it."""
    try:
        yield
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
