"""Files written whole or not at all, one file or several together.

Each output is written to a temporary file in its target's folder (on Linux an anonymous
one, ``O_TMPFILE``, that not even ``kill -9`` can leave behind), then renamed over its
target with ``os.replace`` once everything succeeded. Several outputs are committed
together: if one rename fails, the ones already made are undone (the old files put back).

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomically(folder / "out.txt", "done\\n")
    >>> (folder / "out.txt").read_text()
    'done\\n'
    >>> with Outputs() as outputs:
    ...     outputs.open(folder / "a.txt").write("a")
    ...     outputs.open(folder / "b.txt").write("b")
    1
    1
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt', 'out.txt']
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from explorer.errors import OutputError

__all__ = ["OutputError", "Outputs", "check_target", "describe", "write_atomically"]

_ANONYMOUS = (
    sys.platform.startswith("linux") and hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")
)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def describe(error: OSError) -> str:
    """What went wrong and what to do, in a few words.

    Example:
        >>> describe(OSError(errno.ENOSPC, "No space left on device"))
        'No space left on device; free some space or choose another folder'
    """
    code = error.errno
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is not writable; choose another folder"
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{error.strerror or 'no space left'}; free some space or choose another folder"
    if code == errno.EISDIR:
        return "it is a folder; give a file name"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return "its folder does not exist"
    return error.strerror or str(error)


def check_target(target: str | Path) -> Path:
    """Refuse a target that cannot be written, before any work is done.

    Raises:
        OutputError: its folder is missing or not a folder, or the target is a folder.
    """
    path = Path(target)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {path}: folder {folder} {what}")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    return path


@dataclass
class _Staged:
    target: Path
    handle: IO[Any]
    name: Path | None  # the temporary's name; None while anonymous


class Outputs:
    """Every output file of one command: each opened on a temporary, all committed
    together when the ``with`` block succeeds, all removed when it fails.

    Raises:
        OutputError: a target that cannot be written (on :meth:`open`, before the work),
            or a write, flush or rename that fails (nothing is left half-written).
    """

    def __init__(self, *, durable: bool = True) -> None:
        self._staged: list[_Staged] = []
        self._durable = durable

    def open(self, target: str | Path, *, binary: bool = False) -> IO[Any]:
        """A handle on a new temporary for ``target`` (text UTF-8, or ``binary``)."""
        path = check_target(target)
        if any(staged.target.resolve() == path.resolve() for staged in self._staged):
            raise OutputError(f"cannot write {path} twice in one run; give each output once")
        folder = path.parent if str(path.parent) else Path()
        try:
            descriptor, name = _temporary(folder, path.name)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {describe(error)}") from None
        handle: IO[Any] = (
            os.fdopen(descriptor, "wb")
            if binary
            else os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        )
        self._staged.append(_Staged(path, handle, name))
        return handle

    def __enter__(self) -> Outputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()

    def abort(self) -> None:
        """Drop every temporary (nothing is written)."""
        for staged in self._staged:
            with contextlib.suppress(OSError, ValueError):
                staged.handle.close()
            if staged.name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(staged.name)
        self._staged.clear()

    def commit(self) -> None:
        """Finish every temporary, then rename each over its target; undo all on failure."""
        try:
            for staged in self._staged:
                self._finish(staged)
            _replace_all([(s.name, s.target) for s in self._staged if s.name is not None])
        finally:
            self.abort()

    def _finish(self, staged: _Staged) -> None:
        try:
            staged.handle.flush()
            if self._durable:
                os.fsync(staged.handle.fileno())
            if staged.name is None:  # give the anonymous file a (hidden) name
                name = _hidden_name(staged.target)
                _link_anonymous(staged.handle.fileno(), name)
                staged.name = name
            staged.handle.close()
        except OSError as error:
            raise OutputError(f"cannot write {staged.target}: {describe(error)}") from None


def _hidden_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")


def _link_anonymous(descriptor: int, name: Path) -> None:
    """Give an ``O_TMPFILE`` file a name: ``linkat`` following ``/proc/self/fd/N``
    (``os.link`` calls plain ``link``, which does not follow it, unless given a dir fd)."""
    root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{descriptor}", name, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


def _temporary(folder: Path, name: str) -> tuple[int, Path | None]:
    """An open descriptor on a new file in ``folder``, and its name (``None``: anonymous,
    it vanishes if the process dies before it is linked)."""
    if _ANONYMOUS:
        try:
            flags = os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC
            return os.open(folder, flags, 0o666), None  # the umask applies
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise  # a real refusal (read-only, full): say so
    descriptor, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.chmod(path, 0o666 & ~_umask())  # mkstemp makes it private; this is a plain file
    return descriptor, Path(path)


def _replace_all(moves: list[tuple[Path, Path]]) -> None:
    """Rename each temporary over its target; if one fails, put back what was there."""
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the old file or None)
    try:
        for temporary, target in moves:
            backup = None
            if target.is_dir():
                raise OutputError(f"cannot write {target}: it is a folder; give a file name")
            if target.exists():
                backup = _hidden_name(target)
                try:
                    os.link(target, backup)
                except OSError:  # no hard links here: the old file cannot be restored
                    backup = None
            try:
                os.replace(temporary, target)
            except OSError as error:
                if backup is not None:
                    os.unlink(backup)
                raise OutputError(f"cannot write {target}: {describe(error)}") from None
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    os.unlink(target)
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``:
    a reader sees the old file or the new one, never half of one.

    Raises:
        OSError: the file cannot be written (nothing is left behind).
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; this is a plain file
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
