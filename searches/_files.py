"""Output files written whole or not at all: a temporary file beside the target, renamed
over it (``os.replace``) only once everything succeeded.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Outputs() as outputs:
    ...     writer = outputs.rows(folder / "rows.csv")
    ...     writer.write({"family": "lstm", "budget": 10, "total": 9, "sizes": {"cells": 1}})
    >>> (folder / "rows.csv").read_text().splitlines()[1]
    'lstm,10,9,,,,1,,,,,'
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from explorer.errors import UsageError

__all__ = ["CSV_COLUMNS", "ROW_SUFFIXES", "Outputs", "RowWriter"]

ROW_SUFFIXES = (".csv", ".json", ".jsonl")
SIZE_COLUMNS = ("convention", "input", "cells", "layers", "output", "proj", "bidirectional")
CSV_COLUMNS = ("family", "budget", "total", "relative_error", *SIZE_COLUMNS, "step")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class RowWriter:
    """Rows streamed to a temporary file: CSV, one JSON object (``{"rows": [...]}``) or
    JSON Lines, by the target's suffix."""

    def __init__(self, handle: IO[str], suffix: str) -> None:
        self._handle = handle
        self._suffix = suffix
        self._count = 0
        if suffix == ".csv":
            self._csv = csv.writer(handle, lineterminator="\n")
            self._csv.writerow(CSV_COLUMNS)
        elif suffix == ".json":
            handle.write('{"rows": [')

    def write(self, row: dict[str, Any]) -> None:
        """Append one row (``family``, ``budget``, ``total``, ``sizes`` ...)."""
        if self._suffix == ".csv":
            sizes = row.get("sizes", {})
            values = [row.get(c) for c in CSV_COLUMNS[:4]]
            values += [sizes.get(c) for c in SIZE_COLUMNS] + [row.get("step")]
            self._csv.writerow(["" if v is None else v for v in values])
        elif self._suffix == ".json":
            self._handle.write(("\n" if self._count == 0 else ",\n") + json.dumps(row))
        else:
            self._handle.write(json.dumps(row) + "\n")
        self._count += 1

    def close(self) -> None:
        """Finish the format (the JSON object's closing brackets)."""
        if self._suffix == ".json":
            self._handle.write("\n]}\n")


class Outputs:
    """Every output file of one command, committed together on success, removed on failure.

    Raises:
        UsageError: an unsupported suffix or a missing folder (before anything is written).
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._handles: list[IO[str]] = []
        self._writers: list[RowWriter] = []

    def _temporary(self, target: Path, mode: str = "w") -> tuple[Path, IO[Any]]:
        folder = target.parent if str(target.parent) else Path()
        if not folder.is_dir():
            raise UsageError(f"cannot write {target}: folder {folder} does not exist")
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        path = Path(name)
        os.chmod(path, 0o666 & ~_umask())  # mkstemp makes 0600; a plain file is what users expect
        self._pending.append((path, target))
        handle: IO[Any] = os.fdopen(descriptor, mode, encoding=None if "b" in mode else "utf-8")
        return path, handle

    def rows(self, target: str | Path) -> RowWriter:
        """A streaming row writer for ``target`` (``.csv``, ``.json`` or ``.jsonl``)."""
        path = Path(target)
        suffix = path.suffix.lower()
        if suffix not in ROW_SUFFIXES:
            raise UsageError(
                f"cannot write rows to {path}: use a file ending in {', '.join(ROW_SUFFIXES)}"
            )
        _, handle = self._temporary(path)
        self._handles.append(handle)
        writer = RowWriter(handle, suffix)
        self._writers.append(writer)
        return writer

    def picture(self, target: str | Path, draw: Callable[[IO[bytes]], None]) -> None:
        """Write a picture through ``draw(binary handle)``; committed with the rest."""
        path = Path(target)
        if path.suffix.lower() != ".png":
            raise UsageError(f"cannot write the plot to {path}: give a file ending in .png")
        _, handle = self._temporary(path, "wb")
        with handle:
            draw(handle)

    def check_picture(self, target: str | Path) -> None:
        """Refuse a bad plot path before any work is done."""
        path = Path(target)
        if path.suffix.lower() != ".png":
            raise UsageError(f"cannot write the plot to {path}: give a file ending in .png")
        folder = path.parent if str(path.parent) else Path()
        if not folder.is_dir():
            raise UsageError(f"cannot write {path}: folder {folder} does not exist")

    def __enter__(self) -> Outputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for writer in self._writers:
            if kind is None:
                writer.close()
        for handle in self._handles:
            handle.close()
        if kind is None:
            for temporary, target in self._pending:
                os.replace(temporary, target)
        else:
            for temporary, _ in self._pending:
                with contextlib.suppress(FileNotFoundError):
                    temporary.unlink()
