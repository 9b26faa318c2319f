"""Where a study lives: in memory, a journal file, or a database URL (SQLite, PostgreSQL).

- nothing: in memory, for one process (the default);
- ``search.log`` (a path ending ``.log``, ``.journal`` or ``.jsonl``): Optuna's journal
  file, for several processes on one machine (``--workers``) and for resuming;
- ``sqlite:///search.db``: one file, for resuming; not for parallel workers (concurrent
  schema creation breaks it: see shared/TECH_NOTES.md);
- ``postgresql://user:password@host/db`` (any SQLAlchemy RDB URL): many workers on many
  machines sharing one study, Optuna's own distributed mode.

Example:
    >>> parse_storage(None).kind, parse_storage("runs.log").kind
    ('memory', 'journal')
    >>> spec = parse_storage("postgresql://me:secret@127.0.0.1/studies")
    >>> spec.kind, spec.display
    ('rdb', 'postgresql://me:***@127.0.0.1/studies')
    >>> parse_storage("search.db")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    searches.errors.StorageError: storage 'search.db' is ...; did you mean sqlite:///search.db?
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from explorer.errors import did_you_mean
from searches._optional import require
from searches.errors import StorageError

__all__ = ["JOURNAL_SUFFIXES", "RDB_BACKENDS", "StorageSpec", "opened", "parse_storage"]

JOURNAL_SUFFIXES = (".log", ".journal", ".jsonl")
#: SQLAlchemy backends Optuna's RDBStorage supports (a driver may follow: postgresql+psycopg2).
RDB_BACKENDS = ("sqlite", "postgresql", "mysql", "mariadb", "oracle", "mssql")
_DRIVERS = {"postgresql": "postgres", "mysql": "search", "mariadb": "search"}
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


@dataclass(frozen=True, slots=True)
class StorageSpec:
    """A parsed storage: ``kind`` (memory, journal, rdb) and its location."""

    kind: Literal["memory", "journal", "rdb"]
    location: str | None = None

    @property
    def display(self) -> str:
        """The location with any password hidden (for output and error messages)."""
        if self.kind == "memory":
            return "in memory"
        assert self.location is not None
        if self.kind == "journal":
            return self.location
        return _hide_password(self.location)

    @property
    def backend(self) -> str | None:
        """``sqlite``, ``postgresql`` ... for a database URL."""
        if self.kind != "rdb" or self.location is None:
            return None
        return self.location.split("://", 1)[0].split("+", 1)[0].lower()

    @property
    def shareable(self) -> bool:
        """Whether parallel processes may share it (not memory, not SQLite)."""
        return self.kind == "journal" or (self.kind == "rdb" and self.backend != "sqlite")

    def open(self) -> Any:
        """The Optuna storage object (``None`` for in memory).

        Raises:
            StorageError: no driver for the database, or it cannot be reached.
        """
        optuna = require("optuna", feature="a study")
        if self.kind == "memory":
            return None
        if self.kind == "journal":
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend

            try:
                return JournalStorage(JournalFileBackend(str(self.location)))
            except OSError as error:
                raise StorageError(f"cannot open journal file {self.location}: {error}") from None
        try:
            return optuna.storages.RDBStorage(self.location)
        except ImportError as error:
            backend = self.backend or "database"
            extra = _DRIVERS.get(backend, "search")
            hint = "pip install 'explorer[postgres]'" if extra == "postgres" else "install a driver"
            missing = getattr(error.__cause__, "name", None) or error.name or "a driver"
            raise StorageError(
                f"storage {self.display} needs a {backend} driver ({missing} is missing): {hint}"
            ) from None
        except Exception as error:  # sqlalchemy's OperationalError, ArgumentError ...
            message = _first_line(error)
            password = urlsplit(str(self.location)).password
            if password:
                message = message.replace(password, "***")
            raise StorageError(f"cannot open storage {self.display}: {message}") from None


@contextlib.contextmanager
def opened(spec: StorageSpec) -> Iterator[Any]:
    """The storage object for the duration of a ``with`` block; a database engine's
    connections are closed at its end (left open, they leak until garbage collection)."""
    storage = spec.open()
    try:
        yield storage
    finally:
        engine = getattr(storage, "engine", None)
        if engine is not None:
            storage.remove_session()
            engine.dispose()


def parse_storage(text: str | None) -> StorageSpec:
    """Read ``--storage``: nothing, a journal file path, or a database URL.

    Raises:
        StorageError: an unknown URL scheme, a malformed URL, a missing folder, or a path
            that is not a journal file.
    """
    if text is None or not text.strip():
        return StorageSpec("memory")
    value = text.strip()
    if "://" in value:
        return _parse_url(value)
    path = Path(value)
    if path.suffix.lower() in JOURNAL_SUFFIXES:
        _folder_exists(path, value)
        return StorageSpec("journal", str(path))
    hint = (
        f"did you mean sqlite:///{value}?"
        if path.suffix.lower() in _SQLITE_SUFFIXES
        else "give a journal file (FILE.log), sqlite:///FILE.db or postgresql://USER@HOST/DB"
    )
    raise StorageError(f"storage {value!r} is neither a URL nor a journal file; {hint}")


def _parse_url(value: str) -> StorageSpec:
    scheme, _, rest = value.partition("://")
    backend = scheme.split("+", 1)[0].lower()
    shown = _hide_password(value)
    if backend not in RDB_BACKENDS:
        guess = did_you_mean(backend, RDB_BACKENDS)
        if backend == "postgres":
            guess = "postgresql"
        hint = f"did you mean '{guess}'? " if guess else ""
        raise StorageError(
            f"unknown storage scheme {scheme!r} in {shown}; {hint}use sqlite:///FILE.db, "
            "postgresql://USER@HOST/DB (any SQLAlchemy database URL) or a journal file FILE.log"
        )
    if backend == "sqlite":
        if not rest.startswith("/"):
            raise StorageError(
                f"storage {shown}: write SQLite URLs with three slashes, sqlite:///FILE.db"
            )
        file = rest[1:]
        if file and file != ":memory:":
            _folder_exists(Path(file), value)
        return StorageSpec("rdb", value)
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise StorageError(f"storage {shown} is not a valid URL: {error}") from None
    if not parts.hostname and not parts.path.strip("/"):
        raise StorageError(
            f"storage {shown} names no host or database; e.g. {backend}://USER@HOST/DB"
        )
    return StorageSpec("rdb", value)


def _folder_exists(path: Path, value: str) -> None:
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise StorageError(f"storage {value!r}: folder {folder} does not exist")


def _hide_password(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return first[:300]
