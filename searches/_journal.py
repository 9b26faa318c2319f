"""Optuna journal files: refuse a file that is not one, say where one is corrupt, and lock
them with a lock that knows its holder.

Optuna appends to whatever file it is given (a user's ``app.log`` too) and fails later
on it; a journal corrupted in the middle fails deep in its replay. Both are checked here
before anything is written.

Optuna's lock is a symlink ``FILE.log.lock`` made for the length of one append; a process
killed while holding it leaves it behind, and Optuna then waits 30 s before it takes the
lock over. :class:`JournalLock` is the same lock (the same file, made the same atomic way,
so Optuna's own processes still exclude ours), whose link names the holder: a lock held by
a process of this machine that has ended is cleared at once, and any other (Optuna's own,
another machine's, or a stopped process's) after :data:`GRACE_S` without change.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "app.log"
    >>> _ = path.write_text("2024-01-01 server started\\n")
    >>> check_journal(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    searches.errors.StorageError: storage ...app.log exists and is not an Optuna journal ...
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from pathlib import Path

from searches._processes import identity, is_dead
from searches.errors import StorageError

__all__ = ["GRACE_S", "JournalLock", "check_journal"]

#: How long a lock of an unknown holder may stay unchanged before it is taken over (one
#: append holds it for milliseconds).
GRACE_S = 10.0
_MARK = "#explorer-lock:"
_FIRST_LINE_LIMIT = 1 << 20


def _is_record(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return False
    return isinstance(record, dict) and "op_code" in record


def check_journal(path: Path) -> None:
    """Accept a new or empty file, or an Optuna journal whose every complete line is a
    record (a last line without its newline is still being written, and Optuna skips it).

    Raises:
        StorageError: a folder, a file that is not a journal, or a corrupt journal.
    """
    if path.is_dir():
        raise StorageError(f"storage {path} is a folder; give a journal file, e.g. search.log")
    from explorer._files import kind_of

    with contextlib.suppress(OSError):  # absent: a new journal
        if (kind := kind_of(path.stat().st_mode)) is not None:  # a named pipe would block
            raise StorageError(
                f"storage {path} is {kind}, not a regular file; give a journal file, "
                "e.g. search.log"
            )
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageError(f"cannot read journal file {path}: {error.strerror}") from None
    with handle:
        first = handle.readline(_FIRST_LINE_LIMIT)
        if not first:
            return
        if not _is_record(first):
            raise StorageError(
                f"storage {path} exists and is not an Optuna journal (its first line is not a "
                "journal record); give a new file name, e.g. search.log"
            )
        for number, line in enumerate(handle, start=2):
            if line.endswith(b"\n") and not _is_record(line):
                raise StorageError(
                    f"journal {path} is corrupt: line {number} is not a journal record; "
                    "restore it from a copy, or start a new file"
                )


class JournalLock:
    """Optuna's symlink lock on ``journal`` whose link names its holder (see the module)."""

    def __init__(self, journal: str, *, grace: float = GRACE_S) -> None:
        self._lock = journal + ".lock"
        self._target = f"{journal}{_MARK}{identity()}"
        self._grace = grace

    def acquire(self) -> bool:
        """Take the lock, clearing a stale one; blocks while a live process holds it."""
        delay = 0.001
        while True:
            try:
                os.symlink(self._target, self._lock)
                return True
            except FileExistsError:
                if self._clear_if_stale():
                    continue
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def release(self) -> None:
        """Give the lock back (renamed away first, as Optuna does: atomic on NFS too)."""
        away = f"{self._lock}.{uuid.uuid4().hex}.rename"
        with contextlib.suppress(FileNotFoundError):
            try:
                os.rename(self._lock, away)
            finally:  # also when Ctrl-C lands between the two calls
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(away)

    def release_own(self) -> None:
        """Remove whatever of the lock still names this process: what Ctrl-C leaves when it
        lands inside :meth:`acquire` or :meth:`release` (while a study runs, an objective
        is interrupted at once, and its ``trial.suggest_*`` calls write to the journal)."""
        folder, name = os.path.split(self._lock)
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:  # the folder is gone: nothing is left in it
            return
        for entry in entries:
            if entry.name == name or (
                entry.name.startswith(f"{name}.") and entry.name.endswith(".rename")
            ):
                with contextlib.suppress(OSError):  # not a link, or already gone
                    if os.readlink(entry.path) == self._target:
                        os.unlink(entry.path)

    def _clear_if_stale(self) -> bool:
        """Remove the lock if its holder is gone, or is this process (Optuna never takes
        the lock twice, and no two threads here share a journal: this process lost it to
        an interruption); ``True`` when it was (or is) gone."""
        try:
            holder = os.readlink(self._lock)
            age = time.time() - os.lstat(self._lock).st_mtime
        except FileNotFoundError:
            return True
        owner = holder.partition(_MARK)[2]
        if not (holder == self._target or (owner and is_dead(owner)) or age > self._grace):
            return False
        away = f"{self._lock}.{uuid.uuid4().hex}.stale"
        try:
            os.rename(self._lock, away)
            taken = os.readlink(away)
            if taken != holder:  # a live holder took it in between: give it back
                with contextlib.suppress(FileExistsError):
                    os.symlink(taken, self._lock)
        except FileNotFoundError:
            return True
        finally:  # also when Ctrl-C lands between the calls
            with contextlib.suppress(FileNotFoundError):
                os.unlink(away)
        return True
