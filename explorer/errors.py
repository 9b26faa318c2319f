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

import re
from collections.abc import Iterable

__all__ = [
    "BudgetError",
    "ConfigError",
    "ConflictError",
    "CountOverflowError",
    "ExplorerError",
    "FormulaError",
    "InterruptedRunError",
    "InvalidSizeError",
    "OutputError",
    "SpecError",
    "UnboundSizeError",
    "UnknownNameError",
    "UsageError",
    "did_you_mean",
    "named",
    "shown",
    "typed",
]

#: Marks a keyword the message tells the user to give: ``MARK library SPLIT cli MARK``.
#: Control characters, so no echoed user value (always ``repr``-escaped by :func:`shown`)
#: can forge one.
_MARK, _SPLIT = "\x1f", "\x1e"
_TYPED = re.compile(f"{_MARK}([^{_MARK}{_SPLIT}]*){_SPLIT}([^{_MARK}{_SPLIT}]*){_MARK}")

#: How much of a user's value an error message echoes.
SHOWN = 60


class ExplorerError(Exception):
    """Root of every error the explorer raises on purpose.

    A message names what to type with :func:`typed`: ``str(error)`` spells it as the
    Python API does (``cells=N``), :meth:`for_command_line` as the options (``--cells N``).

    Example:
        >>> error = ExplorerError(f"cells is required: give {typed('cells')}")
        >>> str(error), error.for_command_line()
        ('cells is required: give cells=N', 'cells is required: give --cells N')
    """

    def __str__(self) -> str:
        return _TYPED.sub(r"\1", super().__str__())

    def for_command_line(self) -> str:
        """The message with every keyword spelled as its command-line option."""
        return _TYPED.sub(r"\2", super().__str__())


def typed(
    name: str,
    value: object = None,
    *,
    placeholder: str = "N",
    option: str | None = None,
    cli: str | None = None,
) -> str:
    """A keyword as the user should type it, for an error message: ``cells=N`` for the
    library, ``--cells N`` on the command line (see :class:`ExplorerError`).

    Args:
        name: the keyword.
        value: the value to suggest; ``None``: the placeholder. ``True``/``False`` become
            ``--name``/``--no-name`` on the command line.
        placeholder: what stands for a value the user chooses (``N``, ``...``).
        option: the command-line option when it is not ``--name`` (``--max`` for
            ``maximum``).
        cli: the whole command-line spelling, when it is not an option and a value
            (``--set d=N`` for a spec's symbol ``d``).

    Example:
        >>> error = ExplorerError(f"add {typed('bidirectional', True)}")
        >>> str(error), error.for_command_line()
        ('add bidirectional=True', 'add --bidirectional')
        >>> str(ExplorerError(typed("free", placeholder="...")))
        'free=...'
    """
    flag = option or "--" + name.replace("_", "-")
    if value is None:
        library = f"{name}={placeholder}"
        command_line = f"{flag} {'NAME' if placeholder == '...' else placeholder}"
    elif isinstance(value, bool):
        library = f"{name}={value}"
        command_line = flag if value else "--no-" + flag.removeprefix("--")
    else:
        library = f"{name}={shown(value)}"
        text = shown(value).strip("'") if isinstance(value, str) else shown(value)
        command_line = f"{flag} {text}"
    return f"{_MARK}{library}{_SPLIT}{command_line if cli is None else cli}{_MARK}"


def named(name: str) -> str:
    """A keyword named in an instruction (``drop proj``): the keyword for the library, its
    option (``--proj``) on the command line.

    Example:
        >>> ExplorerError(f"drop {named('nonrec_proj')}").for_command_line()
        'drop --nonrec-proj'
    """
    return f"{_MARK}{name}{_SPLIT}--{name.replace('_', '-')}{_MARK}"


def shown(value: object, limit: int = SHOWN) -> str:
    """A user's value for an error message: its ``repr``, cut to a sensible length.

    Example:
        >>> shown("x" * 100_000)
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100,000 characters)"
        >>> shown(10**5000)
        'a number of 5,001 digits'
        >>> shown([1, 2])
        '[1, 2]'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"a number of {_digits(value):,} digits"
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        cut = repr(value[:limit])
        return f"{cut[:-1]}...{cut[-1]} ({len(value):,} characters)"
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # a deeply nested list; an int past str's limit
        return f"a {type(value).__name__} too large to show"
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def _digits(number: int) -> int:
    """Decimal digits of a (huge) integer, without converting it to text."""
    magnitude = abs(number)
    digits = max(1, int(magnitude.bit_length() * 0.30102999566398114))
    while 10**digits <= magnitude:
        digits += 1
    while digits > 1 and 10 ** (digits - 1) > magnitude:
        digits -= 1
    return digits


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
        return cls(f"unknown {what} {shown(name)}{hint} known: {', '.join(choices)}")


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest choice: difflib's candidates, ranked by edit distance counting a swap of
    neighbours as one edit (typos), then by equal length.

    Example:
        >>> did_you_mean("lstpm", ["gru", "lstm", "lstmp", "rnn"])
        'lstmp'
    """
    if len(name) > 4 * SHOWN:  # nobody misspells a name by pages; difflib would take long
        return None
    import difflib  # only when a name is wrong: not on the path of a correct request

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


class InterruptedRunError(ExplorerError):
    """Ctrl-C or SIGTERM stopped a run; the message says what was kept."""


class UnboundSizeError(ExplorerError, ValueError):
    """A number was asked of a count whose formula still has free sizes."""


class CountOverflowError(ExplorerError, OverflowError):
    """A vectorised count would exceed int64 and exactness was required in int64."""
