"""Files written whole or not at all, one file or several together; files read with a
bound.

Each output is written to a temporary file in its target's folder (on Linux an anonymous
one, ``O_TMPFILE``, that not even ``kill -9`` can leave behind), then renamed over its
target with ``os.replace`` once everything succeeded. Several outputs are committed
together: if one rename fails, the ones already made are undone (the old files put back).
A target is a regular file or nothing yet: a device, a named pipe, a socket is refused by
name (renaming over ``/dev/full`` would replace the device entry itself); a symbolic link
is followed, and the file it names is replaced, the link kept.

An input (a spec, a config, a cache entry) is read by :func:`read_text_bounded`: a regular
file only (a named pipe would block, ``/dev/zero`` never ends), at most a given size.

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
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from explorer.errors import ExplorerError, OutputError, UsageError, shown

__all__ = [
    "OutputError",
    "Outputs",
    "check_target",
    "describe",
    "kind_of",
    "read_bounded",
    "read_text_bounded",
    "write_atomically",
]

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


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str | None:
    """What a file of this ``st_mode`` is, when it is not a regular file (else ``None``).

    Example:
        >>> kind_of(os.stat("/dev/null").st_mode), kind_of(os.stat(__file__).st_mode)
        ('a character device', None)
    """
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def _existing_kind(path: str | Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (symbolic links followed)."""
    try:
        return kind_of(os.stat(path).st_mode)
    except OSError:  # absent (or a dangling link): it will be created
        return None


def check_target(target: str | Path) -> Path:
    """Refuse a target that cannot be written, before any work is done; the path to write
    (a symbolic link's final target, so that the link is kept).

    Raises:
        OutputError: its folder is missing or not a folder, or the target exists and is
            not a regular file (a folder, a device, a named pipe, a socket).

    Example:
        >>> try:
        ...     check_target("/dev/full")
        ... except OutputError as error:
        ...     print(error)
        cannot write /dev/full: it is a character device, not a regular file; give a file name
    """
    path = Path(target)
    if path.is_symlink():
        path = path.resolve()
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {target}: folder {folder} {what}")
    kind = _existing_kind(path)
    if kind == "a folder":
        raise OutputError(f"cannot write {target}: it is a folder; give a file name")
    if kind is not None:
        raise OutputError(
            f"cannot write {target}: it is {kind}, not a regular file; give a file name"
        )
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
    import uuid

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
    import tempfile

    descriptor, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.chmod(path, 0o666 & ~_umask())  # mkstemp makes it private; this is a plain file
    return descriptor, Path(path)


def _replace_all(moves: list[tuple[Path, Path]]) -> None:
    """Rename each temporary over its target; if one fails, put back what was there."""
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the old file or None)
    try:
        for temporary, target in moves:
            backup = None
            kind = _existing_kind(target)  # made since the target was checked
            if kind is not None:
                raise OutputError(f"cannot write {target}: it is {kind}, not a regular file")
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

    A symbolic link is followed (the file it names is replaced, the link kept); anything
    else that is not a regular file is refused.

    Raises:
        OSError: the file cannot be written, or ``path`` exists and is not a regular file
            (nothing is left behind).
    """
    import tempfile

    if path.is_symlink():
        path = path.resolve()
    kind = _existing_kind(path)
    if kind is not None:
        raise OSError(
            errno.EINVAL, f"it is {kind}, not a regular file; give a file name", str(path)
        )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; this is a plain file
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def read_bounded(
    path: str | Path, limit: int, what: str, *, error: type[ExplorerError] = UsageError
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is checked before it is opened, opened without blocking (a named pipe would
    wait for a writer), checked again on the open descriptor, and read to ``limit + 1``
    bytes at most (a file that grows, or one whose size the system misreports, cannot
    exhaust memory).

    Args:
        path: the file.
        limit: the most bytes accepted.
        what: what the file is, for the message (``spec file``, ``config``).
        error: the error class raised.

    Raises:
        ExplorerError: (``error``) it cannot be read, is not a regular file, or is larger
            than ``limit``; the message names the file and what to give.

    Example:
        >>> try:
        ...     read_bounded("/dev/zero", 10, "config")
        ... except UsageError as error:
        ...     print(error)
        /dev/zero: cannot read the config: it is a character device, not a regular file; give a file
    """
    where = shown(str(path), limit=200).strip("'")
    kind = _existing_kind(path)
    if kind is None:
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as failure:
            if failure.errno == errno.EISDIR:
                kind = "a folder"
            else:
                raise error(f"{where}: cannot read the {what} ({failure.strerror})") from None
        else:
            try:
                kind = kind_of(os.fstat(descriptor).st_mode)
                if kind is None:
                    with os.fdopen(descriptor, "rb", closefd=False) as handle:
                        data = handle.read(limit + 1)
            except OSError as failure:
                raise error(f"{where}: cannot read the {what} ({failure.strerror})") from None
            finally:
                os.close(descriptor)
            if kind is None:
                if len(data) > limit:
                    raise error(
                        f"{where}: over {limit:,} bytes is too much for a {what}; give the "
                        f"{what} itself"
                    )
                return data
    raise error(f"{where}: cannot read the {what}: it is {kind}, not a regular file; give a file")


def read_text_bounded(
    path: str | Path, limit: int, what: str, *, error: type[ExplorerError] = UsageError
) -> str:
    """:func:`read_bounded`, decoded as UTF-8 (a byte-order mark is allowed).

    Raises:
        ExplorerError: (``error``) as :func:`read_bounded`, or the bytes are not UTF-8.

    Example:
        >>> import pathlib, tempfile
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "spec.toml"
        >>> _ = file.write_bytes(b"\\xef\\xbb\\xbfname = 'x'\\n")
        >>> read_text_bounded(file, 1000, "spec file")
        "name = 'x'\\n"
    """
    raw = read_bounded(path, limit, what, error=error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        where = shown(str(path), limit=200).strip("'")
        raise error(
            f"{where}: not UTF-8 text (byte 0x{raw[failure.start]:02x} at offset "
            f"{failure.start}); save the {what} as UTF-8"
        ) from None
