"""The derivation cache: JSON data (never code) in the explorer cache folder.

A derivation is keyed by its target (and the digest of the target's source file when it
is not part of torch or transformers), the library versions, the fixed and tied
arguments, the domain, what is counted, and a digest of this package's own source, so an
upgrade or an edit never serves a stale formula. A corrupt entry is rebuilt;
``EXPLORER_CACHE=off`` turns the cache off.

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

from explorer._files import write_atomically
from explorer.algebra._cache import cache_dir

__all__ = ["cache_key", "load", "store"]

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


def load(key: str) -> dict[str, Any] | None:
    """The stored data for ``key``, or None (absent, unreadable, another key)."""
    path = _path(key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("key") != key
        or not isinstance(data.get("derived"), dict)
    ):
        return None
    derived: dict[str, Any] = data["derived"]
    return derived


def store(key: str, derived: dict[str, Any]) -> None:
    """Write an entry atomically; a read-only or full disk only costs speed."""
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps({"key": key, "derived": derived}))
    except OSError:
        return
