"""Which process holds a trial or a lock, whether it is still alive, and workers that end
with their parent. Standard library only.

A process is named ``host/boot/pid/start``: the machine (its name and, on Linux, its boot
id), the process id and the process's start time (so a recycled pid is not mistaken for
the old process). Liveness can be told only on the same machine; elsewhere it is unknown.

Example:
    >>> owner = identity()
    >>> is_dead(owner), is_dead("another-machine/x/1/0"), is_dead("not a name")
    (False, None, None)
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from explorer.errors import InvalidSizeError

__all__ = ["check_workers", "die_with_parent", "identity", "is_dead", "worker_limit"]

_SEPARATOR = "/"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_S = 0.5
#: Worker processes allowed per CPU: more only compete for the CPUs (and each holds
#: Python, numpy and optuna, about 100 MB).
WORKERS_PER_CPU = 4
_MIN_LIMIT = 8


@functools.cache
def _machine() -> str:
    boot = ""
    with contextlib.suppress(OSError):
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    host = socket.gethostname().replace(_SEPARATOR, "_")
    return f"{host}{_SEPARATOR}{boot.replace(_SEPARATOR, '_')}"


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or ``""``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # field 22; the command name (field 2) may hold spaces and parentheses
    return stat.rpartition(")")[2].split()[19]


def identity(pid: int | None = None) -> str:
    """This process's name (or that of ``pid`` on this machine)."""
    pid = os.getpid() if pid is None else pid
    return _SEPARATOR.join((_machine(), str(pid), _started(pid)))


def is_dead(owner: str) -> bool | None:
    """Whether the process ``owner`` (an :func:`identity`) has ended: ``None`` when that
    cannot be told (another machine, or not a name this module made)."""
    parts = owner.rsplit(_SEPARATOR, 2)
    if len(parts) != 3 or parts[0] != _machine() or not parts[1].isdigit():
        return None
    pid, started = int(parts[1]), parts[2]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        pass
    except OSError:
        return None
    return bool(started) and _started(pid) not in ("", started)


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to this process when its parent ends, however it ends (``kill -9``
    included): ``prctl(PR_SET_PDEATHSIG)`` on Linux, a watchdog thread elsewhere."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)  # the running program's libc
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the call
                os.kill(os.getpid(), sig)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_S)
        os.kill(os.getpid(), sig)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def worker_limit() -> int:
    """The most ``--workers`` this machine allows: 4 per CPU this process may use, at
    least 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(_MIN_LIMIT, WORKERS_PER_CPU * cpus)


def check_workers(workers: object) -> int:
    """``workers`` if it is a sensible number of local processes.

    Raises:
        InvalidSizeError: not a positive integer, or more than :func:`worker_limit`.

    Example:
        >>> check_workers(2)
        2
        >>> check_workers(10**11)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.InvalidSizeError: workers must be at most ...
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidSizeError(f"workers must be a positive integer, got {workers!r}")
    limit = worker_limit()
    if workers > limit:
        raise InvalidSizeError(
            f"workers must be at most {limit} here ({WORKERS_PER_CPU} per CPU), got {workers:,}; "
            "for more, start the same command on other machines with one --storage"
        )
    return workers
