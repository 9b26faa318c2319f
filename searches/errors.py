"""Errors of the searches and sweeps: :class:`explorer.errors.UsageError` subclasses for
bad requests, :class:`SearchInterruptedError` for a stopped run.

The CLI catches :class:`explorer.errors.ExplorerError`, so each of these becomes one
``error: ...`` line and exit status 2.

Example:
    >>> from explorer.errors import UsageError
    >>> issubclass(ObjectiveError, UsageError), issubclass(StorageError, ValueError)
    (True, True)
"""

from __future__ import annotations

from explorer.errors import InterruptedRunError, OutputError, UsageError

__all__ = [
    "MissingExtraError",
    "ObjectiveError",
    "ObjectiveValueError",
    "OutputError",
    "SearchInterruptedError",
    "StorageError",
]


class ObjectiveError(UsageError):
    """An objective spec that cannot be loaded, or an objective that returned the wrong thing."""


class ObjectiveValueError(ObjectiveError):
    """An objective returned a value that is not a finite number (NaN, infinite, or too
    large for a float): that trial fails, with this as its reason; the search goes on."""


class StorageError(UsageError):
    """A storage URL or journal file that cannot be read, opened or shared as asked."""


class MissingExtraError(UsageError):
    """An optional dependency (the ``plot`` or ``postgres`` extra) is not installed."""


class SearchInterruptedError(InterruptedRunError):
    """Ctrl-C or SIGTERM stopped a search or sweep; the message says what was kept and how
    to resume."""
