"""Output files written whole or not at all: rows streamed as CSV or JSON, and pictures.

Every target is opened (on a temporary beside it) before any work, so a missing or
read-only folder is refused at once; all are renamed over their targets together once
everything succeeded, and all are dropped otherwise (:mod:`explorer.files`).

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Outputs() as outputs:
    ...     writer = outputs.rows(folder / "rows.csv", sizes=("cells", "layers"))
    ...     writer.write({"family": "lstm", "budget": 10, "total": 9, "sizes": {"cells": 1}})
    >>> print((folder / "rows.csv").read_text())
    family,budget,total,unit,parameters,relative_error,cells,layers,step,flops
    lstm,10,9,,,,1,,,
    <BLANKLINE>
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from explorer import files

__all__ = ["ROW_SUFFIXES", "Outputs", "Picture", "RowWriter", "csv_columns"]

ROW_SUFFIXES = (".csv", ".json", ".jsonl")
_FIRST = ("family", "budget", "total", "unit", "parameters", "relative_error")
_LAST = ("step", "flops")


def csv_columns(sizes: tuple[str, ...]) -> tuple[str, ...]:
    """A CSV file's columns: the row's own, with one column per size between them."""
    return (*_FIRST, *sizes, *_LAST)


def _failed(target: Path, error: OSError) -> files.OutputError:
    return files.OutputError(f"cannot write {target}: {files.describe(error)}")


class RowWriter:
    """Rows streamed to a temporary file: CSV, one JSON object (``{"rows": [...]}``) or
    JSON Lines, by the target's suffix. A CSV file has a column per size in ``sizes``
    (default: the first row's)."""

    def __init__(self, handle: IO[str], target: Path, sizes: tuple[str, ...] | None = None) -> None:
        self._handle = handle
        self._target = target
        self._suffix = target.suffix.lower()
        self._count = 0
        self._sizes = sizes
        self._csv = csv.writer(handle, lineterminator="\n")
        if self._suffix == ".csv" and sizes is not None:
            self._put(lambda: self._csv.writerow(csv_columns(sizes)))
        elif self._suffix == ".json":
            self._put(lambda: handle.write('{"rows": ['))

    def _put(self, write: Callable[[], object]) -> None:
        try:
            write()
        except OSError as error:  # a full disk, mid-stream
            raise _failed(self._target, error) from None

    def write(self, row: dict[str, Any]) -> None:
        """Append one row (``family``, ``budget``, ``total``, ``sizes`` ...).

        Raises:
            OutputError: the file cannot take it (a full disk).
        """
        if self._suffix == ".csv":
            sizes = row.get("sizes", {})
            if self._sizes is None:
                self._sizes = tuple(sizes)
                self._put(lambda: self._csv.writerow(csv_columns(tuple(sizes))))
            values = [row.get(c) for c in _FIRST]
            values += [sizes.get(c) for c in self._sizes] + [row.get(c) for c in _LAST]
            self._put(lambda: self._csv.writerow(["" if v is None else v for v in values]))
        elif self._suffix == ".json":
            text = ("\n" if self._count == 0 else ",\n") + json.dumps(row)
            self._put(lambda: self._handle.write(text))
        else:
            self._put(lambda: self._handle.write(json.dumps(row) + "\n"))
        self._count += 1

    def close(self) -> None:
        """Finish the format (the JSON object's closing brackets; a CSV file's header
        when no row came)."""
        if self._suffix == ".csv" and self._sizes is None:
            self._put(lambda: self._csv.writerow(csv_columns(())))
        if self._suffix == ".json":
            self._put(lambda: self._handle.write("\n]}\n"))


class Picture:
    """A PNG output, drawn into once the data is there."""

    def __init__(self, handle: IO[bytes], target: Path) -> None:
        self._handle = handle
        self.target = target

    def draw(self, paint: Callable[[IO[bytes]], None]) -> None:
        """``paint(binary handle)`` writes the picture.

        Raises:
            OutputError: the file cannot take it (a full disk).
        """
        try:
            paint(self._handle)
        except OSError as error:
            raise _failed(self.target, error) from None


class Outputs:
    """Every output file of one command, opened before the work, committed together on
    success, removed on failure.

    Raises:
        OutputError: an unsupported suffix, a missing or read-only folder, a folder where
            the file should go (before anything is computed), or a failed write.
    """

    def __init__(self) -> None:
        self._files = files.Outputs()
        self._writers: list[RowWriter] = []

    def rows(self, target: str | Path, *, sizes: tuple[str, ...] | None = None) -> RowWriter:
        """A streaming row writer for ``target`` (``.csv``, ``.json`` or ``.jsonl``; a CSV
        file has a column per size in ``sizes``, by default the first row's)."""
        path = Path(target)
        if path.suffix.lower() not in ROW_SUFFIXES:
            raise files.OutputError(
                f"cannot write rows to {path}: use a file ending in {', '.join(ROW_SUFFIXES)}"
            )
        writer = RowWriter(self._files.open(path), path, sizes)
        self._writers.append(writer)
        return writer

    def picture(self, target: str | Path) -> Picture:
        """A PNG output for ``target``, opened now, drawn into later."""
        path = Path(target)
        if path.suffix.lower() != ".png":
            raise files.OutputError(f"cannot write the plot to {path}: give a file ending in .png")
        return Picture(self._files.open(path, binary=True), path)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._files.abort()
            return
        try:
            for writer in self._writers:
                writer.close()
        except BaseException:
            self._files.abort()
            raise
        self._files.commit()
