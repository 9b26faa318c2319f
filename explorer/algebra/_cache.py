"""On-disk cache of compiled counts, so a fresh process need not import sympy.

Entries are JSON of integer polynomials (never code), keyed by the structure and a digest
of the package's own source, so an upgrade or an edit can never serve a stale formula.
Writes go to a temporary file and are ``os.replace``d; a corrupt entry is rebuilt.
``EXPLORER_CACHE_DIR`` moves the cache, ``EXPLORER_CACHE=off`` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from explorer._files import write_atomically
from explorer.algebra._compiled import CompiledCount

__all__ = ["cache_dir", "load", "store"]

_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path | None:
    """Where entries live, or ``None`` when the cache is off."""
    if os.environ.get("EXPLORER_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    if explicit := os.environ.get("EXPLORER_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "explorer"


@functools.cache
def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _path(key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    name = hashlib.sha256(f"{_source_digest()}|{key}".encode()).hexdigest()[:32]
    return folder / f"{name}.json"


def load(key: str) -> CompiledCount | None:
    """The cached entry, or ``None`` if absent, unreadable or malformed."""
    path = _path(key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return CompiledCount.from_json(data["compiled"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: str, compiled: CompiledCount) -> None:
    """Write an entry atomically; a read-only or full disk only costs speed."""
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps({"key": key, "compiled": compiled.to_json()}))
    except OSError:
        return
