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
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, unquote_plus

from explorer.errors import did_you_mean
from searches._journal import JournalLock, check_journal
from searches._optional import require
from searches.errors import StorageError

__all__ = ["JOURNAL_SUFFIXES", "RDB_BACKENDS", "StorageSpec", "opened", "parse_storage"]

JOURNAL_SUFFIXES = (".log", ".journal", ".jsonl")
#: SQLAlchemy backends Optuna's RDBStorage supports (a driver may follow: postgresql+psycopg2).
RDB_BACKENDS = ("sqlite", "postgresql", "mysql", "mariadb", "oracle", "mssql")
_DRIVERS = {"postgresql": "postgres", "mysql": "search", "mariadb": "search"}
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
_QUERY_PASSWORD = re.compile(r"(?i)([?&;]password=)([^&;#]*)")
_DELIMITERS = re.compile(r"[@:/?#&;=]")
#: Serialises creating Optuna's tables in one PostgreSQL database: without it, workers
#: started together race to create them (a duplicate key in pg_type).
SCHEMA_LOCK_KEY = 0x6578706C6F726572  # "explorer"
_RDB_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class StorageSpec:
    """A parsed storage: ``kind`` (memory, journal, rdb) and its location."""

    kind: Literal["memory", "journal", "rdb"]
    location: str | None = field(default=None, repr=False)  # may hold a password

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

    def redact(self, text: str) -> str:
        """``text`` (an error message) with the password hidden, however it is written.

        Example:
            >>> spec = parse_storage("postgresql://me:pa%2Fss%21@db.local/studies")
            >>> spec.redact("password authentication failed: pa/ss! for me")
            'password authentication failed: *** for me'
        """
        for secret in sorted(_passwords(str(self.location or "")), key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def open(self) -> Any:
        """The Optuna storage object (``None`` for in memory).

        Raises:
            StorageError: not a journal, a corrupt one, no driver for the database, or it
                cannot be reached.
        """
        optuna = require("optuna", feature="a study")
        if self.kind == "memory":
            return None
        if self.kind == "journal":
            return self._open_journal()
        try:
            return _rdb_storage(optuna, str(self.location), self.backend)
        except ImportError as error:
            backend = self.backend or "database"
            extra = _DRIVERS.get(backend, "search")
            hint = "pip install 'explorer[postgres]'" if extra == "postgres" else "install a driver"
            missing = getattr(error.__cause__, "name", None) or error.name or "a driver"
            raise StorageError(
                f"storage {self.display} needs a {backend} driver ({missing} is missing): {hint}"
            ) from None
        except Exception as error:  # sqlalchemy's OperationalError, ArgumentError ...
            message = self.redact(_first_line(error))
            raise StorageError(f"cannot open storage {self.display}: {message}") from None

    def _open_journal(self) -> Any:
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend

        path = str(self.location)
        check_journal(Path(path))
        try:
            lock: Any = JournalLock(path)  # Optuna calls only its acquire() and release()
            backend = JournalFileBackend(path, lock_obj=lock)
        except OSError as error:
            raise StorageError(f"cannot open journal file {path}: {error.strerror}") from None
        try:
            return JournalStorage(backend)
        except Exception as error:  # a journal that parses but does not replay
            raise StorageError(
                f"journal {path} cannot be replayed ({_first_line(error)}); it is corrupt: "
                "restore it from a copy, or start a new file"
            ) from None


@contextlib.contextmanager
def opened(spec: StorageSpec) -> Iterator[Any]:
    """The storage object for the duration of a ``with`` block; a database engine's
    connections are closed at its end (left open, they leak until garbage collection),
    and what an interruption left of this process's journal lock is removed."""
    storage = spec.open()
    try:
        yield storage
    finally:
        engine = getattr(storage, "engine", None)
        if engine is not None:
            storage.remove_session()
            engine.dispose()
        if spec.kind == "journal":
            JournalLock(str(spec.location)).release_own()


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
    try:
        from sqlalchemy.engine import make_url
    except ImportError:  # no optuna either: the search says what to install
        return StorageSpec("rdb", value)
    try:
        url = make_url(value)
    except Exception:  # its message repeats the URL, password included
        raise StorageError(
            f"storage {shown} is not a valid URL; write {backend}://USER:PASSWORD@HOST:PORT/DB "
            "(percent-encode special characters in the password: @ as %40, / as %2F)"
        ) from None
    if "@" in (url.host or ""):
        raise StorageError(
            f"storage {shown}: the password holds '@'; percent-encode it as %40 "
            f"({backend}://USER:PASSWORD@HOST/DB)"
        )
    if not url.host and not (url.database or "").strip("/"):
        raise StorageError(
            f"storage {shown} names no host or database; e.g. {backend}://USER@HOST/DB"
        )
    return StorageSpec("rdb", value)


def _folder_exists(path: Path, value: str) -> None:
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise StorageError(f"storage {value!r}: folder {folder} does not exist")


def _split_password(url: str) -> tuple[str, str, str] | None:
    """``(before, password, after)`` of a URL's user information, or ``None``. The user
    information ends at the last ``@`` (a password may hold ``@ : / ? #``)."""
    scheme, separator, rest = url.partition("://")
    at = rest.rfind("@")
    if not separator or at < 0:
        return None
    user, colon, password = rest[:at].partition(":")
    if not colon:
        return None
    return f"{scheme}://{user}:", password, rest[at:]


def _hide_password(url: str) -> str:
    """The URL with its password (in the user information or the query) as ``***``.

    Example:
        >>> _hide_password("postgresql://rt:Sec/ret@99@db:5432/x?sslmode=require")
        'postgresql://rt:***@db:5432/x?sslmode=require'
        >>> _hide_password("postgresql://db/x?user=rt&password=s3cret")
        'postgresql://db/x?user=rt&password=***'
    """
    parts = _split_password(url)
    if parts is not None:
        url = f"{parts[0]}***{parts[2]}"
    return _QUERY_PASSWORD.sub(r"\1***", url)


def _passwords(url: str) -> set[str]:
    """Every spelling of the URL's passwords: as written, percent-decoded, and the pieces
    between URL delimiters (a driver that splits the URL elsewhere quotes those)."""
    found = {match[1] for match in _QUERY_PASSWORD.findall(url)}
    parts = _split_password(url)
    if parts is not None:
        found.add(parts[1])
    spellings = {s for p in found if p for s in (p, unquote(p), unquote_plus(p))}
    pieces = {piece for s in spellings for piece in _DELIMITERS.split(s) if len(piece) >= 3}
    return spellings | pieces


def _rdb_storage(optuna: Any, url: str, backend: str | None) -> Any:
    """Optuna's RDBStorage, its tables created once however many processes start together:
    under a PostgreSQL advisory lock, and retried for other databases."""
    if backend == "postgresql":
        import sqlalchemy
        from sqlalchemy.pool import NullPool

        engine = sqlalchemy.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                lock = sqlalchemy.text("SELECT pg_advisory_lock(:key)")
                connection.execute(lock, {"key": SCHEMA_LOCK_KEY})
                try:
                    return optuna.storages.RDBStorage(url)
                finally:
                    unlock = sqlalchemy.text("SELECT pg_advisory_unlock(:key)")
                    connection.execute(unlock, {"key": SCHEMA_LOCK_KEY})
        finally:
            engine.dispose()
    for attempt in range(_RDB_ATTEMPTS):
        try:
            return optuna.storages.RDBStorage(url)
        except ImportError:
            raise
        except Exception as error:
            if attempt == _RDB_ATTEMPTS - 1 or not _is_integrity_race(error):
                raise
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_integrity_race(error: BaseException) -> bool:
    """Another process created the same table or row first."""
    return type(error).__name__ in ("IntegrityError", "ProgrammingError", "OperationalError")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return first[:300]
