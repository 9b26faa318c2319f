"""Reading the command line's choices: ranges ``1..6``, lists ``lstm,gru``, budgets ``6.5M``.

Each reader raises :class:`argparse.ArgumentTypeError`, which the CLI turns into one
``error: argument --layers: ...`` line. Standard library only: the CLI builds every
command's parser on each run, so these must cost nothing to import.

Example:
    >>> int_choices("1..6"), int_choices("1,2,4"), int_choices("2..8/2"), int_choices("3")
    ((1, 2, 3, 4, 5, 6), (1, 2, 4), (2, 4, 6, 8), (3,))
    >>> budget_choices("1M,6.5M"), budget_choices("1M..3M/1M")
    ((1000000, 6500000), (1000000, 2000000, 3000000))
    >>> flop_choices("1e12,2T"), byte_choices("40GB..80GB/20GB")
    ((1000000000000, 2000000000000), (40000000000, 60000000000, 80000000000))
    >>> name_list("lstm, gru"), toggle("both")
    (('lstm', 'gru'), (False, True))
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Literal, get_args

__all__ = [
    "TOGGLES",
    "Toggle",
    "budget_choices",
    "byte_choices",
    "flop_choices",
    "int_choices",
    "name_list",
    "toggle",
]

Toggle = Literal["no", "yes", "both"]
TOGGLES: tuple[str, ...] = get_args(Toggle)
_LIMIT = 1_000_000  # choices in one option: far beyond any real grid, short of a typo's 10**12


def _integer(text: str, what: str) -> int:
    try:
        return int(text.strip().replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{what} must be an integer, got {text.strip()!r}"
        ) from None


def int_choices(text: str) -> tuple[int, ...]:
    """Positive integers: ``3``, ``1..6``, ``2..8/2`` or ``1,2,4`` (items may mix)."""
    values: set[int] = set()
    for item in _items(text):
        if ".." in item:
            span, _, step = item.partition("/")
            start, _, stop = span.partition("..")
            first, last = _integer(start, "a range's start"), _integer(stop, "a range's end")
            stride = _integer(step, "a range's step") if step else 1
            if stride < 1 or last < first:
                raise argparse.ArgumentTypeError(f"range {item!r} is empty; write A..B with A <= B")
            if (last - first) // stride >= _LIMIT:
                raise argparse.ArgumentTypeError(f"range {item!r} has more than {_LIMIT:,} values")
            values.update(range(first, last + 1, stride))
        else:
            values.add(_integer(item, "each choice"))
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"choices must be positive, got {min(values)}")
    return tuple(sorted(values))


def budget_choices(text: str) -> tuple[int, ...]:
    """Budgets: ``6.5M``, ``1M,6.5M,21M`` or ``1M..10M/1M`` (a range needs its step)."""
    from explorer.solver import parse_budget

    return _budgets(text, parse_budget)


def flop_choices(text: str) -> tuple[int, ...]:
    """FLOP budgets: ``2e12``, ``1e12,2e12`` or ``1T..4T/1T``."""
    from explorer.measures import parse_flops

    return _budgets(text, parse_flops)


def byte_choices(text: str) -> tuple[int, ...]:
    """Byte budgets: ``80GB``, ``40GB,80GiB`` or ``20GB..80GB/20GB``."""
    from explorer.measures import parse_bytes

    return _budgets(text, parse_bytes)


def _budgets(text: str, parse_budget: Callable[[object], int]) -> tuple[int, ...]:
    """Budgets read by ``parse_budget``, one or a list or a range with its step."""
    from explorer.errors import BudgetError

    values: set[int] = set()
    try:
        for item in _items(text):
            if ".." not in item:
                values.add(parse_budget(item))
                continue
            span, slash, step = item.partition("/")
            if not slash:
                raise argparse.ArgumentTypeError(
                    f"a budget range needs a step: {item}/STEP, e.g. 1M..10M/1M"
                )
            start, _, stop = span.partition("..")
            first, last, stride = parse_budget(start), parse_budget(stop), parse_budget(step)
            if last < first:
                raise argparse.ArgumentTypeError(f"range {item!r} is empty; write A..B with A <= B")
            if (last - first) // stride >= _LIMIT:
                raise argparse.ArgumentTypeError(f"range {item!r} has more than {_LIMIT:,} values")
            values.update(range(first, last + 1, stride))
    except BudgetError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return tuple(sorted(values))


def name_list(text: str) -> tuple[str, ...]:
    """Names separated by commas, in the order given, without repeats."""
    return tuple(dict.fromkeys(item.strip() for item in _items(text)))


def toggle(text: str) -> tuple[bool, ...]:
    """``no`` -> (False,), ``yes`` -> (True,), ``both`` -> (False, True)."""
    value = text.strip().lower()
    if value not in TOGGLES:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(TOGGLES)}, got {text!r}")
    return {"no": (False,), "yes": (True,), "both": (False, True)}[value]


def _items(text: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise argparse.ArgumentTypeError(f"empty choice in {text!r}; write 1..6 or 1,2,4")
    return items
