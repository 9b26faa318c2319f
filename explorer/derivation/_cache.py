"""The derivation cache: JSON data (never code) in the explorer cache folder.

A derivation is keyed by its target (and the digest of the target's source file when it
is not part of torch or transformers), the library versions, the fixed and tied
arguments, the domain, what is counted, and a digest of this package's own source, so an
upgrade or an edit never serves a stale formula. An entry also records the digest of every
local module the build imported (the target's own imports, not installed libraries): an
edit of any of them is a miss. Each entry carries a checksum of its content: an edited or
corrupt entry is rebuilt, never served. ``EXPLORER_CACHE=off`` turns the cache off.

Example:
    >>> key = cache_key({"target": "torch.nn.LSTM"}, {"hidden_size": [1, 64, 1]})
    >>> key == cache_key({"target": "torch.nn.LSTM"}, {"hidden_size": [1, 64, 1]})
    True
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from explorer.algebra import cache_dir
from explorer.files import write_atomically

__all__ = ["cache_key", "file_digest", "load", "store"]

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(*parts: Any) -> str:
    """A canonical JSON text of the parts (and this package's source digest)."""
    return json.dumps([_source_digest(), *parts], sort_keys=True, separators=(",", ":"))


def _path(key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "derive" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def _check(key: str, derived: Any, depends: Any) -> str:
    text = json.dumps([key, derived, depends], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_digest(path: str) -> str | None:
    """The digest of a file's bytes (None if it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]
    except OSError:
        return None


def load(key: str) -> dict[str, Any] | None:
    """The stored data for ``key``, or None (absent, unreadable, another key, a checksum
    that does not match, a local module edited since)."""
    path = _path(key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("key") != key
        or not isinstance(data.get("derived"), dict)
        or not isinstance(data.get("depends"), dict)
        or data.get("check") != _check(key, data["derived"], data["depends"])
    ):
        return None
    for file, digest in data["depends"].items():
        if file_digest(file) != digest:
            return None
    derived: dict[str, Any] = data["derived"]
    return derived


def store(key: str, derived: dict[str, Any], depends: dict[str, str] | None = None) -> None:
    """Write an entry atomically; a read-only or full disk only costs speed."""
    path = _path(key)
    if path is None:
        return
    depends = dict(depends or {})
    entry = {"key": key, "derived": derived, "depends": depends}
    entry["check"] = _check(key, derived, depends)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(entry))
    except (OSError, TypeError, ValueError):
        return
