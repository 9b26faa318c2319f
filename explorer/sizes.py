"""Validation of sizes at the door: everything below may assume valid input.

Example:
    >>> positive_int("cells", 1024)
    1024
    >>> positive_int("cells", -3)
    Traceback (most recent call last):
    ...
    explorer.errors.InvalidSizeError: cells must be a positive integer, got -3
    >>> positive_int("cells", 10**19)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    explorer.errors.InvalidSizeError: cells must be at most 10**18 ..., got 10000000000000000000
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from explorer.errors import InvalidSizeError, shown

__all__ = ["MAX_SIZE", "MAX_SIZE_TEXT", "flag", "non_negative_int", "positive_int", "size_or_list"]

#: The largest size accepted: far beyond any network (and the solver's reach), small
#: enough that every count stays a number Python can print.
MAX_SIZE = 10**18
MAX_SIZE_TEXT = "10**18"


def _as_int(name: str, value: object, rule: str) -> int:
    if isinstance(value, bool | float | str):
        raise InvalidSizeError(f"{name} must be {rule}, got {shown(value)}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidSizeError(f"{name} must be {rule}, got {shown(value)}") from None
    if number > MAX_SIZE:
        raise InvalidSizeError(
            f"{name} must be at most {MAX_SIZE_TEXT} (beyond any network), got {shown(number)}"
        )
    return number


def positive_int(name: str, value: object) -> int:
    """An integer >= 1 (bools, floats and strings are refused, even 3.0)."""
    number = _as_int(name, value, "a positive integer")
    if number < 1:
        raise InvalidSizeError(f"{name} must be a positive integer, got {shown(number)}")
    return number


def non_negative_int(name: str, value: object) -> int:
    """An integer >= 0, where 0 means "absent" (no output layer, no projection)."""
    number = _as_int(name, value, "a non-negative integer (0 for none)")
    if number < 0:
        raise InvalidSizeError(
            f"{name} must be a non-negative integer (0 for none), got {shown(number)}"
        )
    return number


def size_or_list(name: str, value: object, *, allow_zero: bool = False) -> int | list[int]:
    """One size for every layer, or a list with one entry per layer."""
    check = non_negative_int if allow_zero else positive_int
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if not value:
            raise InvalidSizeError(f"{name} must not be an empty list")
        return [check(f"{name}[{k}]", v) for k, v in enumerate(value)]
    return check(name, value)


def flag(name: str, value: object) -> bool:
    """A true/false option; ``None`` counts as false."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidSizeError(f"{name} must be true or false, got {shown(value)}")
    return value
