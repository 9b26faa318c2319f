"""One exception hierarchy for everything the explorer refuses.

Every error raised for bad input derives from :class:`ExplorerError`; the CLI catches
exactly that class, prints its one-line message and exits with status 2.

Example:
    >>> try:
    ...     raise UnknownNameError.for_name("family", "lstpm", ["gru", "lstm", "lstmp", "rnn"])
    ... except ExplorerError as error:
    ...     print(error)
    unknown family 'lstpm'; did you mean 'lstmp'? known: gru, lstm, lstmp, rnn
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "BudgetError",
    "ConfigError",
    "ConflictError",
    "CountOverflowError",
    "ExplorerError",
    "FormulaError",
    "InvalidSizeError",
    "OutputError",
    "SpecError",
    "UnboundSizeError",
    "UnknownNameError",
    "UsageError",
    "did_you_mean",
]


class ExplorerError(Exception):
    """Root of every error the explorer raises on purpose."""


class UsageError(ExplorerError, ValueError):
    """The request itself is wrong: a bad size, flag, name or combination."""


class UnknownNameError(UsageError):
    """A family, convention, option or choice that does not exist."""

    @classmethod
    def for_name(cls, what: str, name: object, known: Iterable[str]) -> UnknownNameError:
        """Build the message with a "did you mean" suggestion (difflib) and the known names."""
        choices = sorted(known)
        guess = did_you_mean(str(name), choices)
        hint = f"; did you mean '{guess}'?" if guess else ";"
        return cls(f"unknown {what} {name!r}{hint} known: {', '.join(choices)}")


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest choice: difflib's candidates, ranked by edit distance counting a swap of
    neighbours as one edit (typos), then by equal length.

    Example:
        >>> did_you_mean("lstpm", ["gru", "lstm", "lstmp", "rnn"])
        'lstmp'
    """
    candidates = difflib.get_close_matches(name, list(choices), n=5, cutoff=0.5)
    if not candidates:
        return None
    return min(candidates, key=lambda c: (_typo_distance(name, c), len(c) != len(name)))


def _typo_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class InvalidSizeError(UsageError):
    """A size that is not a (positive) integer, or a list of the wrong length."""


class ConflictError(UsageError):
    """Options that contradict each other or do not apply to the family."""


class FormulaError(UsageError):
    """A user formula that is malformed or uses anything beyond safe arithmetic."""


class SpecError(UsageError):
    """A spec or registry file that is malformed: the message names the file and key."""


class ConfigError(UsageError):
    """A model config (a Hugging Face ``config.json``) that cannot be read or would be
    refused: the message names the file and the field."""


class OutputError(UsageError):
    """An output file that cannot be written: a missing or read-only folder, a folder where
    the file should go, a full disk. Nothing was written."""


class BudgetError(UsageError):
    """A budget that cannot be read, or that no allowed design can meet."""


class UnboundSizeError(ExplorerError, ValueError):
    """A number was asked of a count whose formula still has free sizes."""


class CountOverflowError(ExplorerError, OverflowError):
    """A vectorised count would exceed int64 and exactness was required in int64."""
