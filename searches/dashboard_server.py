"""``explorer dashboard --storage URL``: optuna-dashboard on a stored study.

optuna-dashboard reads any Optuna storage; a search's trials carry their solved sizes and
totals as user attributes (``d_model``, ``parameters``, ``flops`` ...), which it shows
beside each trial's parameters. It is optional: ``pip install 'explorer[dashboard]'``.

Example:
    >>> dashboard("in-memory", run=lambda storage, host, port: None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    searches.errors.StorageError: storage 'in-memory' is neither a URL nor a journal file; ...
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from searches._optional import require
from searches.errors import StorageError
from searches.storage import parse_storage

__all__ = ["dashboard"]


def dashboard(
    storage: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    run: Callable[[Any, str, int], None] | None = None,
) -> None:
    """Serve optuna-dashboard for ``storage`` on ``host:port`` until Ctrl-C.

    ``run(storage, host, port)`` serves (default: ``optuna_dashboard.run_server``).

    Raises:
        StorageError: no stored study there (memory, or a journal file that does not
            exist), or one that cannot be opened.
        MissingExtraError: optuna-dashboard is not installed.
    """
    spec = parse_storage(storage)
    if spec.kind == "memory":
        raise StorageError("the dashboard reads a stored study: give --storage FILE.log or a URL")
    if spec.kind == "journal" and not Path(str(spec.location)).is_file():
        raise StorageError(f"storage {spec.display} does not exist: no study to show")
    if not 0 < port < 65536:
        raise StorageError(f"port must be 1..65535, got {port}")
    if run is None:
        server = require("optuna_dashboard", feature="explorer dashboard", extra="dashboard")
        run = server.run_server
    handle = spec.open()  # it only reads what searches write: no SQLite lock taken
    try:
        run(handle, host, port)
    finally:
        engine = getattr(handle, "engine", None)
        if engine is not None:
            engine.dispose()
