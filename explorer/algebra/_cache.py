"""On-disk cache of compiled counts, so a fresh process need not import sympy.

Entries are JSON of integer polynomials (never code), keyed by the structure and a
fingerprint of the package's files (path, size and modification time of each), so an
upgrade or an edit can never serve a stale formula; taking the fingerprint costs a stat
per file, not a read. Printed answers that need sympy to print (``explorer formula``'s)
are kept the same way, as text. An entry carries a checksum of its content and is checked when read
(the checksum, then the total against the sum of the terms): an altered or corrupt entry is
rebuilt, never trusted. Writes go to a temporary file and are ``os.replace``d.
``EXPLORER_CACHE_DIR`` moves the cache, ``EXPLORER_CACHE=off`` turns it off.

Example:
    >>> len(fingerprint()) == 16 and fingerprint() == fingerprint()
    True
"""

from __future__ import annotations

import functools
import json
import os
import zlib
from typing import TYPE_CHECKING, Any

from explorer.algebra._compiled import CompiledCount

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["cache_dir", "fingerprint", "load", "load_text", "store", "store_text"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FORMAT = 2
#: The largest entry read back (the largest counts' entries are a few megabytes).
_MAX_ENTRY = 256 * 1024 * 1024


def cache_dir() -> Path | None:
    """Where entries live, or ``None`` when the cache is off."""
    from pathlib import Path

    folder = _folder()
    return None if folder is None else Path(folder)


def _folder() -> str | None:
    """:func:`cache_dir` as text (no :mod:`pathlib` on the way to a cached count)."""
    if os.environ.get("EXPLORER_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if explicit := os.environ.get("EXPLORER_CACHE_DIR"):
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "explorer")


def _listing(folder: str, found: list[str]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    _listing(entry.path, found)
            elif entry.name.endswith((".py", ".json", ".toml")):
                stat = entry.stat()
                found.append(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}")


@functools.cache
def fingerprint() -> str:
    """The package's files as one short digest (computed once per process)."""
    found: list[str] = []
    _listing(_PACKAGE, found)
    text = "\n".join(sorted(found)).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


def _path(key: str) -> str | None:
    folder = _folder()
    if folder is None:
        return None
    text = f"{fingerprint()}|{key}".encode()
    return os.path.join(folder, f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}.json")


def _read(key: str) -> bytes | None:
    """The body of the entry for ``key``: ``None`` if absent, unreadable (not a regular
    file, say), another key's, of another format, or altered (its checksum)."""
    path = _path(key)
    if path is None:
        return None
    from explorer.errors import ExplorerError
    from explorer.files import read_bounded

    try:
        head, _, body = read_bounded(path, _MAX_ENTRY, "cache entry").partition(b"\n")
        header = json.loads(head)
    except (ExplorerError, OSError, ValueError):
        return None
    if not isinstance(header, dict) or header.get("key") != key:
        return None
    if header.get("format") != _FORMAT or header.get("check") != zlib.crc32(body):
        return None
    return body


def _write(key: str, body: str) -> None:
    """Write the entry for ``key`` atomically; a read-only or full disk only costs speed."""
    path = _path(key)
    if path is None:
        return
    from pathlib import Path

    from explorer.files import write_atomically

    header: dict[str, Any] = {"key": key, "format": _FORMAT, "check": zlib.crc32(body.encode())}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomically(Path(path), json.dumps(header) + "\n" + body)
    except OSError:
        return


def load(key: str) -> CompiledCount | None:
    """The cached entry, or ``None`` if absent, unreadable, altered or malformed."""
    body = _read(key)
    if body is None:
        return None
    try:
        compiled = CompiledCount.from_json(json.loads(body))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return compiled if compiled.consistent() else None


def store(key: str, compiled: CompiledCount) -> None:
    """Write an entry atomically; a read-only or full disk only costs speed."""
    _write(key, json.dumps(compiled.to_json(), separators=(",", ":")))


def load_text(key: str) -> str | None:
    """A printed answer stored by :func:`store_text` (``explorer formula``'s, which
    would otherwise import sympy to print it), or ``None``; same checks as :func:`load`.

    Example:
        >>> store_text("example", "P = 4*n*(m + n)")
        >>> load_text("example") in ("P = 4*n*(m + n)", None)  # None: the cache is off
        True
    """
    body = _read(f"text|{key}")
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def store_text(key: str, text: str) -> None:
    """Keep a printed answer for ``key`` (in its own namespace beside compiled counts)."""
    _write(f"text|{key}", text)
