"""The disk cache of compiled counts: keyed by the package's files, checked when read."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer import _api
from explorer.algebra import _build, _cache
from explorer.algebra._build import cache_key


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, and nothing compiled in memory meanwhile."""
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CACHE", raising=False)
    monkeypatch.setattr(_build, "_COMPILED", {})
    monkeypatch.setattr(_build, "_COUNTED_AS", {})
    _api.forget_recent()
    return tmp_path


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("*.json")
    return entry


def _alter_total(entry: Path, *, keep_checksum: bool) -> None:
    """Add 6,000 to the total's constant term (the terms still sum to the truth)."""
    head, _, body = entry.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["total"].append([6000])
    text = json.dumps(data, separators=(",", ":"))
    header = json.loads(head)
    if keep_checksum:
        header["check"] = zlib.crc32(text.encode())
    entry.write_text(json.dumps(header) + "\n" + text, encoding="utf-8")


@pytest.mark.parametrize(
    "keep_checksum",
    [
        pytest.param(False, id="edited"),
        pytest.param(True, id="edited-checksum-recomputed"),
    ],
)
def test_an_altered_entry_is_never_trusted(cache: Path, keep_checksum: bool) -> None:
    design: dict[str, Any] = {"convention": "weights", "input": 3, "cells": 2, "layers": 2}
    first = explorer.count("rnn", **design)
    assert first.total == 18
    _alter_total(_entry(cache), keep_checksum=keep_checksum)
    assert _cache.load(cache_key(first.family, first.structure)) is None
    _build._COMPILED.clear()
    _build._COUNTED_AS.clear()
    _api.forget_recent()
    assert explorer.count("rnn", **design).total == 18


def test_a_garbled_entry_is_rebuilt(cache: Path) -> None:
    c = explorer.count("gru", convention="keras", input=3, cells=2)
    _entry(cache).write_bytes(b"\x00not json\n{")
    assert _cache.load(cache_key(c.family, c.structure)) is None


def test_an_entry_is_read_back_equal(cache: Path) -> None:
    c = explorer.count("lstm", convention="pytorch", input=3, cells=[4, 5, 6], output=2)
    assert _cache.load(cache_key(c.family, c.structure)) == c.compiled


def test_the_fingerprint_follows_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    module = package / "sub" / "module.py"
    module.write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(_cache, "_PACKAGE", str(package))

    def fingerprint() -> str:
        _cache.fingerprint.cache_clear()
        return _cache.fingerprint()

    before = fingerprint()
    assert fingerprint() == before
    module.write_text("x = 2\n", encoding="utf-8")  # same size: the time tells
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    edited = fingerprint()
    assert edited != before
    (package / "added.py").write_text("", encoding="utf-8")
    assert fingerprint() != edited
    _cache.fingerprint.cache_clear()


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLORER_CACHE", "off")
    assert explorer.count("rnn", convention="weights", input=3, cells=5).total == 40
    assert not list(cache.glob("*.json"))
