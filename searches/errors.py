"""Errors of the searches and sweeps, all :class:`explorer.errors.UsageError` subclasses.

The CLI catches :class:`explorer.errors.ExplorerError`, so each of these becomes one
``error: ...`` line and exit status 2.

Example:
    >>> from explorer.errors import UsageError
    >>> issubclass(ObjectiveError, UsageError), issubclass(StorageError, ValueError)
    (True, True)
"""

from __future__ import annotations

from explorer.errors import UsageError

__all__ = ["MissingExtraError", "ObjectiveError", "StorageError"]


class ObjectiveError(UsageError):
    """An objective spec that cannot be loaded, or an objective that returned the wrong thing."""


class StorageError(UsageError):
    """A storage URL or journal file that cannot be read, opened or shared as asked."""


class MissingExtraError(UsageError):
    """An optional dependency (the ``search`` or ``postgres`` extra) is not installed."""
