"""Where a study lives: in memory, a journal file, or a database URL (SQLite, PostgreSQL).

- nothing: in memory, for one process (the default);
- ``search.log`` (a path ending ``.log``, ``.journal`` or ``.jsonl``): Optuna's journal
  file, for several processes on one machine (``--workers``) and for resuming; its
  appends are serialised by an ``flock`` of the file (:func:`journal_lock`), which a dead
  process releases at once;
- ``sqlite:///search.db``: one file, for resuming; one writing process at a time (a
  second one is refused: concurrent writers break it, see shared/TECH_NOTES.md);
- ``postgresql://user:password@host/db`` (any SQLAlchemy RDB URL): many workers on many
  machines sharing one study, Optuna's own distributed mode.

Every stored study runs Optuna's heartbeats: a running trial records one every
``heartbeat_interval`` seconds, and a trial whose heartbeat is ``grace_period`` seconds
old (its process died: ``kill -9``, a lost machine) is failed by
:func:`optuna.storages.fail_stale_trials` and its point retried
(:class:`optuna.storages.RetryHeartbeatStaleTrialCallback`). Optuna implements them for
its RDB storage; :class:`HeartbeatJournalStorage` adds them to the journal.

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
import datetime
import errno
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, unquote_plus

from explorer.errors import did_you_mean
from searches._optional import require
from searches.errors import StorageError

__all__ = [
    "GRACE_PERIOD",
    "HEARTBEAT_INTERVAL",
    "JOURNAL_SUFFIXES",
    "RDB_BACKENDS",
    "StorageSpec",
    "describe_failure",
    "journal_lock",
    "opened",
    "parse_storage",
]

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
#: Seconds between two heartbeats of a running trial.
HEARTBEAT_INTERVAL = 5
#: Seconds without a heartbeat after which a running trial counts as dead: failed, and
#: its point retried (four missed heartbeats: a busy machine is not taken for a dead one).
GRACE_PERIOD = 20
#: How often a dead trial's point is retried (a point that kills its process every time
#: is not retried forever).
MAX_RETRY = 3
_HEARTBEAT_KEY = "explorer:heartbeat"
_MIN_LOCK_GRACE = 3
_FIRST_LINE_LIMIT = 1 << 20
_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG)


@dataclass(frozen=True, slots=True)
class StorageSpec:
    """A parsed storage: ``kind`` (memory, journal, rdb), its location, and the heartbeat
    of its running trials (seconds)."""

    kind: Literal["memory", "journal", "rdb"]
    location: str | None = field(default=None, repr=False)  # may hold a password
    heartbeat_interval: int = HEARTBEAT_INTERVAL
    grace_period: int = GRACE_PERIOD

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

    def with_grace(self, grace_period: int) -> StorageSpec:
        """The same storage, a dead trial failed after ``grace_period`` seconds (the
        heartbeat every quarter of it, at least every second)."""
        interval = max(1, min(HEARTBEAT_INTERVAL, grace_period // 4))
        return StorageSpec(self.kind, self.location, interval, grace_period)

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
            StorageError: not a journal, a corrupt or cut one, no driver for the database,
                or it cannot be reached.
        """
        optuna = require("optuna", feature="a study")
        if self.kind == "memory":
            return None
        if self.kind == "journal":
            return self._open_journal()
        try:
            return _rdb_storage(optuna, self)
        except ImportError as error:
            backend = self.backend or "database"
            extra = _DRIVERS.get(backend, "search")
            hint = "pip install 'explorer[postgres]'" if extra == "postgres" else "install a driver"
            missing = getattr(error.__cause__, "name", None) or error.name or "a driver"
            raise StorageError(
                f"storage {self.display} needs a {backend} driver ({missing} is missing): {hint}"
            ) from None
        except Exception as error:  # sqlalchemy's OperationalError, ArgumentError ...
            message = self.redact(_first_line(_root(error)))
            raise StorageError(f"cannot open storage {self.display}: {message}") from None

    def _open_journal(self) -> Any:
        from optuna.storages.journal import JournalFileBackend

        path = str(self.location)
        check_journal(Path(path), grace_period=self.grace_period)
        try:
            backend = JournalFileBackend(path, lock_obj=journal_lock(path, self.grace_period))
        except OSError as error:
            raise StorageError(f"cannot open journal file {path}: {error.strerror}") from None
        try:
            return _journal_storage_class()(
                backend,
                heartbeat_interval=self.heartbeat_interval,
                grace_period=self.grace_period,
            )
        except Exception as error:  # a journal that parses but does not replay
            raise StorageError(
                f"journal {path} cannot be replayed ({_first_line(error)}); it is corrupt: "
                "restore it from a copy, or start a new file"
            ) from None


def _is_record(line: bytes) -> bool:
    try:
        record = json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return False
    return isinstance(record, dict) and "op_code" in record


def journal_lock(path: str, grace_period: int) -> Any:
    """The lock one append to a journal file holds (milliseconds): an ``flock`` on the
    file itself where the system has one (:class:`FlockJournalLock`), else Optuna's
    symlink lock, taken from a dead holder after ``grace_period`` seconds (at least 3:
    Optuna warns below that).

    Optuna's symlink lock is polled with a sleep that doubles up to 1 s: two workers on
    one journal slept 1.9 s of 6.6 s waiting for a lock that was already free, and a
    process killed while holding it stalled every other for 30 s (its default grace).
    """
    try:
        import fcntl  # noqa: F401 - POSIX only
    except ImportError:  # pragma: no cover - not POSIX
        from optuna.storages.journal import JournalFileSymlinkLock

        return JournalFileSymlinkLock(path, grace_period=max(_MIN_LOCK_GRACE, grace_period))
    return _flock_class()(path)


_FLOCK_CLASS: type | None = None


def _flock_class() -> type:
    """:class:`FlockJournalLock`, defined once optuna is imported."""
    global _FLOCK_CLASS  # noqa: PLW0603 - made once, on first use (optuna loads lazily)
    if _FLOCK_CLASS is not None:
        return _FLOCK_CLASS
    import fcntl

    from optuna.storages.journal import JournalFileOpenLock

    class FlockJournalLock(JournalFileOpenLock):  # its public base: the lock protocol
        """Optuna's journal lock protocol on ``flock(2)`` of the journal file: a waiter
        is woken by the kernel the moment the holder releases it, and a holder that dies
        (``kill -9``) releases it with its last descriptor. Every explorer process on one
        journal takes it; a plain Optuna process writing the same file would not (it
        takes Optuna's symlink lock): share a journal between explorer processes only
        (readers such as optuna-dashboard take no lock)."""

        def __init__(self, path: str) -> None:  # no lock file: the journal is locked
            self._path = path
            self._descriptor: int | None = None

        def acquire(self) -> bool:
            descriptor = os.open(self._path, os.O_RDONLY | os.O_CREAT, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            except BaseException:
                os.close(descriptor)
                raise
            self._descriptor = descriptor
            return True

        def release(self) -> None:
            descriptor, self._descriptor = self._descriptor, None
            if descriptor is None:
                raise RuntimeError("the journal lock is not held")
            os.close(descriptor)  # and with it the lock

    _FLOCK_CLASS = FlockJournalLock
    return _FLOCK_CLASS


def check_journal(path: Path, *, grace_period: int = GRACE_PERIOD) -> None:
    """Accept a new or empty file, or an Optuna journal whose every line is a record.

    Refused, before anything is appended: a file that is not a journal, a record that is
    not one in the middle, and a last record cut short (a crash or a full disk
    mid-write), the last with the command that drops it (every complete record is kept).

    Raises:
        StorageError: one of these, in one line.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "app.log"
        >>> _ = path.write_text("2024-01-01 server started\\n")
        >>> check_journal(path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        searches.errors.StorageError: storage ...app.log exists and is not an Optuna journal ...
    """
    if path.is_dir():
        raise StorageError(f"storage {path} is a folder; give a journal file, e.g. search.log")
    from explorer.files import kind_of

    with contextlib.suppress(OSError):  # absent: a new journal
        if (kind := kind_of(path.stat().st_mode)) is not None:  # a named pipe would block
            raise StorageError(
                f"storage {path} is {kind}, not a regular file; give a journal file, "
                "e.g. search.log"
            )
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageError(f"cannot read journal file {path}: {error.strerror}") from None
    with handle:
        first = handle.readline(_FIRST_LINE_LIMIT)
        if not first:
            return
        plausible = first.startswith(b'{"op_code"')  # a journal's record, perhaps cut
        if not (_is_record(first) if first.endswith(b"\n") else plausible):
            raise StorageError(
                f"storage {path} exists and is not an Optuna journal (its first line is not a "
                "journal record); give a new file name, e.g. search.log"
            )
        complete = len(first) if first.endswith(b"\n") else 0
        last = first
        number = 1
        for number, line in enumerate(handle, start=2):
            if line.endswith(b"\n"):
                if not _is_record(line):
                    raise StorageError(
                        f"journal {path} is corrupt: line {number} is not a journal record; "
                        "restore it from a copy, or start a new file"
                    )
                complete += len(line)
            last = line
    if not last.endswith(b"\n") and not _cut_is_being_written(path, grace_period):
        raise StorageError(
            f"journal {path} ends in a cut record (line {number}: a crash or a full disk "
            f"mid-write); nothing was appended. Drop it, keeping every complete record: "
            f"truncate -s {complete} {path}"
        )


def _cut_is_being_written(path: Path, grace_period: int) -> bool:
    """Whether the cut end is another process's append under way: under Optuna's lock
    (held for the length of one append) the file ends in a whole record again."""
    lock = journal_lock(str(path), grace_period)
    if not lock.acquire():  # pragma: no cover - acquire blocks until it has the lock
        return False
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 1))
            return handle.read(1) == b"\n"
    finally:
        lock.release()


def _retry_callback() -> Any:
    """Optuna's callback that enqueues a dead trial's point again (at most
    :data:`MAX_RETRY` times)."""
    import warnings

    import optuna

    with warnings.catch_warnings():  # experimental since Optuna 2.8, unchanged since
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=MAX_RETRY)


def _journal_storage_class() -> type:
    """:class:`HeartbeatJournalStorage`, defined once optuna is imported."""
    global _JOURNAL_CLASS  # noqa: PLW0603 - made once, on first use (optuna loads lazily)
    if _JOURNAL_CLASS is None:
        _JOURNAL_CLASS = _make_journal_class()
    return _JOURNAL_CLASS


_JOURNAL_CLASS: type | None = None


def _make_journal_class() -> type:
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages._heartbeat import BaseHeartbeat
    from optuna.trial import TrialState

    class HeartbeatJournalStorage(JournalStorage, BaseHeartbeat):
        """Optuna's journal storage with Optuna's heartbeat protocol: each running
        trial's heartbeat is a system attribute (wall-clock seconds), recorded when the
        trial starts running, so a process killed while Optuna samples its first
        parameters leaves a trial that goes stale too."""

        def __init__(self, backend: Any, *, heartbeat_interval: int, grace_period: int) -> None:
            super().__init__(backend)
            self.heartbeat_interval = heartbeat_interval
            self.grace_period = grace_period
            self.stale_callback = _retry_callback()

        def create_new_trial(self, study_id: int, template_trial: Any = None) -> int:
            trial_id = int(super().create_new_trial(study_id, template_trial))
            if template_trial is None or template_trial.state == TrialState.RUNNING:
                self.record_heartbeat(trial_id)
            return trial_id

        def set_trial_state_values(self, trial_id: int, state: Any, values: Any = None) -> bool:
            changed = bool(super().set_trial_state_values(trial_id, state, values))
            if changed and state == TrialState.RUNNING:  # a waiting trial taken
                self.record_heartbeat(trial_id)
            return changed

        def record_heartbeat(self, trial_id: int) -> None:
            with (
                contextlib.suppress(optuna.exceptions.UpdateFinishedTrialError),
                _quiet_in_heartbeat_thread(),
            ):
                self.set_trial_system_attr(trial_id, _HEARTBEAT_KEY, time.time())

        def _get_stale_trial_ids(self, study_id: int) -> list[int]:
            now = time.time()
            running = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
            stale = []
            for trial in running:
                beat = trial.system_attrs.get(_HEARTBEAT_KEY)
                if beat is None and trial.datetime_start is not None:  # an older process's
                    beat = trial.datetime_start.timestamp()
                if beat is not None and now - float(beat) > self.grace_period:
                    stale.append(trial._trial_id)
            return stale

        def get_heartbeat_interval(self) -> int | None:
            return self.heartbeat_interval

        def get_heartbeat_stale_trial_callback(self) -> Any:
            return self.stale_callback

    return HeartbeatJournalStorage


@contextlib.contextmanager
def _quiet_in_heartbeat_thread() -> Iterator[None]:
    """A heartbeat that cannot be written (the server restarting, the disk full) is
    skipped in Optuna's heartbeat thread, where the error escaped as a thread's traceback
    on stderr; the trial's own next write meets the same failure and reports it in one
    line. In the main thread the error is raised."""
    import threading

    try:
        yield
    except Exception:
        if threading.current_thread() is threading.main_thread():
            raise


@contextlib.contextmanager
def opened(spec: StorageSpec) -> Iterator[Any]:
    """The storage object for the duration of a ``with`` block; a database engine's
    connections are closed at its end (left open, they leak until garbage collection).
    A SQLite file is held by this process alone for the block.

    Raises:
        StorageError: the storage cannot be opened, or another process writes the same
            SQLite file.
    """
    with contextlib.ExitStack() as stack:
        if spec.backend == "sqlite":
            stack.enter_context(_sqlite_alone(spec))
        storage = spec.open()
        try:
            yield storage
        finally:
            engine = getattr(storage, "engine", None)
            if engine is not None:
                with contextlib.suppress(Exception):  # the server may be what failed
                    storage.remove_session()
                engine.dispose()


@contextlib.contextmanager
def _sqlite_alone(spec: StorageSpec) -> Iterator[None]:
    """An exclusive ``flock`` on the SQLite file: a second writing process is refused at
    once, however it was started (SQLite's own locks do not survive Optuna's concurrent
    schema creation and trial bookkeeping)."""
    location = str(spec.location)
    file = location.split(":///", 1)[1].split("?", 1)[0] if ":///" in location else ""
    if not file or file == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: SQLite's own locking only
        yield
        return
    try:
        descriptor = os.open(file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StorageError(f"cannot open storage {spec.display}: {error.strerror}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError(
                f"storage {spec.display} is in use by another process: SQLite takes one "
                "writing process; for several, use a journal file (--storage search.log) "
                "or PostgreSQL"
            ) from None
        yield
    finally:
        os.close(descriptor)


def describe_failure(error: BaseException, spec: StorageSpec) -> str | None:
    """One line for a storage that failed mid-study (a lost database connection, a full
    disk, a cut journal), or ``None`` when ``error`` is not such a failure.

    Example:
        >>> print(describe_failure(OSError(28, "No space left"), parse_storage("s.log")))
        storage s.log failed: No space left; every finished trial is kept: free space, then ...
        >>> describe_failure(ValueError("x"), parse_storage("s.log")) is None
        True
    """
    for link in _chain(error):
        found = _describe_one(link, spec)
        if found is not None:
            return found
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and the errors it was raised from or while handling: Optuna's clean-up
    after a failed commit can fail in turn (an ``UnboundLocalError`` in Optuna 5.0's
    ``_run_trial`` when the server is gone), hiding the storage's error as its context."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        hidden = current.__suppress_context__  # raise ... from None: said already
        current = current.__cause__ or (None if hidden else current.__context__)


def _describe_one(error: BaseException, spec: StorageSpec) -> str | None:
    root = _root(error)
    module = type(root).__module__
    resume = "every finished trial is kept: {fix}run the same command again to resume"
    if isinstance(root, OSError) and root.errno in _DISK_ERRORS:
        text = resume.format(fix="free space, then " if root.errno != errno.EIO else "")
        return f"storage {spec.display} failed: {root.strerror}; {text}"
    database = module.startswith(("sqlalchemy", "psycopg", "pymysql", "MySQLdb", "sqlite3"))
    if database or type(error).__name__ == "StorageInternalError":
        message = spec.redact(_first_line(root))
        lost = _connection_lost(root)
        what = "lost its connection" if lost else "failed"
        return f"storage {spec.display} {what} ({message}); {resume.format(fix='')}"
    return None


def _connection_lost(error: BaseException) -> bool:
    invalidated = getattr(error, "connection_invalidated", False)
    kinds = {kind.__name__ for kind in type(error).__mro__}  # psycopg's AdminShutdown ...
    return bool(invalidated) or bool(kinds & {"OperationalError", "InterfaceError"})


def _root(error: BaseException) -> BaseException:
    """The driver's own error under Optuna's ``StorageInternalError`` and SQLAlchemy's
    wrappers (what says what happened)."""
    seen: set[int] = set()
    current = error
    while id(current) not in seen:
        seen.add(id(current))
        inner = getattr(current, "orig", None) or current.__cause__
        if inner is None or not isinstance(inner, BaseException):
            break
        current = inner
    return current


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


def _rdb_storage(optuna: Any, spec: StorageSpec) -> Any:
    """Optuna's RDBStorage with heartbeats, a connection checked before each use (a
    restarted server is reconnected between trials), its tables created once however
    many processes start together: under a PostgreSQL advisory lock, and retried for
    other databases."""
    url = str(spec.location)

    def make() -> Any:
        import warnings

        with warnings.catch_warnings():  # heartbeats: experimental since Optuna 2.9
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return _rdb_storage_class()(
                url,
                engine_kwargs={"pool_pre_ping": True},
                heartbeat_interval=spec.heartbeat_interval,
                grace_period=spec.grace_period,
                heartbeat_stale_trial_callback=_retry_callback(),
            )

    if spec.backend == "postgresql":
        storage = _rdb_postgresql(make, url)
        _reconnect_patiently(storage.engine, seconds=spec.grace_period)
        return storage
    for attempt in range(_RDB_ATTEMPTS):
        try:
            return make()
        except ImportError:
            raise
        except Exception as error:
            if attempt == _RDB_ATTEMPTS - 1 or not _is_integrity_race(error):
                raise
            time.sleep(0.1 * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _reconnect_patiently(engine: Any, *, seconds: int) -> None:
    """Once connected, a new connection is tried again for up to ``seconds`` (the grace
    period) before the error is raised: a server restarting (about a second here) is
    reconnected between trials, where ``pool_pre_ping`` alone met "the database system
    is shutting down" and ended the search. A server gone for longer still ends it, in
    one line."""
    import sqlalchemy

    def connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + seconds
        delay = 0.1
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(1.0, delay * 2)

    sqlalchemy.event.listen(engine, "do_connect", connect)


def _rdb_postgresql(make: Any, url: str) -> Any:
    """The storage made under a PostgreSQL advisory lock (one process creates the
    tables)."""
    import sqlalchemy
    from sqlalchemy.pool import NullPool

    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            lock = sqlalchemy.text("SELECT pg_advisory_lock(:key)")
            connection.execute(lock, {"key": SCHEMA_LOCK_KEY})
            try:
                return make()
            finally:
                unlock = sqlalchemy.text("SELECT pg_advisory_unlock(:key)")
                connection.execute(unlock, {"key": SCHEMA_LOCK_KEY})
    finally:
        engine.dispose()


_RDB_CLASS: type | None = None


def _rdb_storage_class() -> type:
    """Optuna's RDBStorage recording a trial's first heartbeat as soon as it runs.

    Optuna records the first heartbeat only once the objective starts, and a running
    trial without one never goes stale: a process killed while Optuna samples (inside
    ``study.ask()``) left its trial running forever (issue 22).
    """
    global _RDB_CLASS  # noqa: PLW0603 - made once, on first use (optuna loads lazily)
    if _RDB_CLASS is not None:
        return _RDB_CLASS
    from optuna.storages import RDBStorage
    from optuna.trial import TrialState

    class HeartbeatRDBStorage(RDBStorage):
        # ``_create_new_trial``, not ``create_new_trial``: a study reaches its RDB storage
        # through Optuna's cache (``_CachedStorage``), which calls the former only; an
        # override of the latter never ran, and a process killed while Optuna sampled
        # left a running trial without a heartbeat (1 resumed run in 4 ended a trial short).
        def _create_new_trial(self, study_id: int, template_trial: Any = None) -> Any:
            trial = super()._create_new_trial(study_id, template_trial)
            running = template_trial is None or template_trial.state == TrialState.RUNNING
            if running and self.heartbeat_interval is not None:
                self.record_heartbeat(trial._trial_id)
            return trial

        def set_trial_state_values(self, trial_id: int, state: Any, values: Any = None) -> bool:
            changed = bool(super().set_trial_state_values(trial_id, state, values))
            if changed and state == TrialState.RUNNING and self.heartbeat_interval is not None:
                self.record_heartbeat(trial_id)
            return changed

        def record_heartbeat(self, trial_id: int) -> None:
            with _quiet_in_heartbeat_thread():
                super().record_heartbeat(trial_id)

        def _get_stale_trial_ids(self, study_id: int) -> list[int]:
            stale = list(super()._get_stale_trial_ids(study_id))
            # A process killed between creating its trial and its first heartbeat (two
            # commits) left a running trial without one, which Optuna never fails: it is
            # stale too once it started three grace periods ago (this machine's clock).
            from optuna.storages._rdb import models

            now = datetime.datetime.now()
            old = [
                t
                for t in self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
                if t._trial_id not in stale
                and t.datetime_start is not None
                and (now - t.datetime_start).total_seconds() > 3 * (self.grace_period or 0)
            ]
            if old:
                session = self.scoped_session()
                try:
                    for trial in old:
                        beat = models.TrialHeartbeatModel.where_trial_id(trial._trial_id, session)
                        if beat is None:
                            stale.append(trial._trial_id)
                finally:
                    session.close()
            return stale

    _RDB_CLASS = HeartbeatRDBStorage
    return _RDB_CLASS


def _is_integrity_race(error: BaseException) -> bool:
    """Another process created the same table or row first."""
    return type(error).__name__ in ("IntegrityError", "ProgrammingError", "OperationalError")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return first[:300]
