"""Reading quantities with units: bytes (``80GB``, ``80 GiB``) and FLOPs (``2e12``, ``2T``).

Decimal prefixes are powers of 1000 (``GB`` = 10^9 bytes), binary ones powers of 1024
(``GiB`` = 2^30 bytes), as IEC 80000-13 has them; a bare number is bytes. Units are read
without regard to case (``gb``, ``GiB``); anything else (``80 parsecs``, ``80G``, where
``GB`` and ``GiB`` differ by 7%) is refused with the spellings that are understood.

Example:
    >>> parse_bytes("80GB"), parse_bytes("80 GiB"), parse_bytes("1.5 KiB")
    (80000000000, 85899345920, 1536)
    >>> parse_flops("2e12"), parse_flops("3.5T"), parse_flops(1e21)
    (2000000000000, 3500000000000, 1000000000000000000000)
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from explorer.errors import BudgetError

__all__ = ["BYTE_UNITS", "parse_bytes", "parse_flops"]

#: Byte units and their sizes (lower case).
BYTE_UNITS: dict[str, int] = {
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "pb": 10**15,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
    "pib": 2**50,
}
#: Prefixes a FLOP count may carry (decimal; ``B`` is billions, as parameter budgets).
_FLOP_SUFFIXES = {"k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9, "t": 10**12, "p": 10**15}
_SPLIT = re.compile(r"^\s*([0-9][0-9_,]*\.?[0-9_]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+)\s*([A-Za-z]*)\s*$")


def _number(text: str, what: str, value: object, examples: str) -> Decimal:
    try:
        number = Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise BudgetError(f"{what} {value!r} is not a number; write it like {examples}") from None
    if not number.is_finite():
        raise BudgetError(f"{what} must be finite, got {value!r}")
    return number


def _whole(number: Decimal, what: str, value: object) -> int:
    if number <= 0:
        raise BudgetError(f"{what} must be positive, got {value!r}")
    if number != number.to_integral_value():
        raise BudgetError(f"{what} must be a whole number, got {value!r} = {number}")
    return int(number)


def _plain(value: object, what: str) -> Decimal | None:
    """A number given as a number (not text); ``None`` for text."""
    if isinstance(value, bool):
        raise BudgetError(f"{what} must be a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BudgetError(f"{what} must be finite, got {value!r}")
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise BudgetError(f"{what} must be a number or text, got {type(value).__name__}")
    return None


def parse_bytes(value: object) -> int:
    """A positive whole number of bytes: a number, or text with a unit (B, kB, MB, GB, TB,
    PB; KiB, MiB, GiB, TiB, PiB).

    Example:
        >>> parse_bytes("80 parsecs")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.BudgetError: unknown unit 'parsecs' in '80 parsecs'; write bytes as 80GB ...
    """
    examples = "80GB (10^9), 80GiB (2^30), 512MB, 512MiB or a plain number of bytes"
    plain = _plain(value, "a byte budget")
    if plain is not None:
        return _whole(plain, "a byte budget", value)
    text = str(value)
    match = _SPLIT.match(text)
    if match is None:
        raise BudgetError(f"byte budget {text!r} is not a number with a unit; write {examples}")
    digits, unit = match.groups()
    scale = BYTE_UNITS.get(unit.lower(), 0) if unit else 1
    if not scale and unit.lower() in ("k", "m", "g", "t", "p"):
        raise BudgetError(
            f"{text!r} is ambiguous: {unit}B is 1000-based, {unit}iB 1024-based; "
            f"write {digits}{unit.upper()}B or {digits}{unit.upper()}iB"
        )
    if not scale:
        raise BudgetError(f"unknown unit {unit!r} in {text!r}; write bytes as {examples}")
    number = _number(digits, "byte budget", value, examples) * scale
    return _whole(number, "a byte budget", value)


def parse_flops(value: object) -> int:
    """A positive whole number of FLOPs: a number, or text like ``2e12``, ``2T``, ``1.5P``,
    ``300G`` (with an optional ``FLOPs`` after it)."""
    examples = "2e12, 2T, 1.5P, 300G or 2000000000000"
    plain = _plain(value, "a FLOP budget")
    if plain is not None:
        return _whole(plain, "a FLOP budget", value)
    text = str(value)
    stripped = re.sub(r"\s*flops?\s*$", "", text, flags=re.IGNORECASE)
    match = _SPLIT.match(stripped)
    if match is None:
        raise BudgetError(f"FLOP budget {text!r} is not a number; write it like {examples}")
    digits, suffix = match.groups()
    scale = _FLOP_SUFFIXES.get(suffix.lower(), 0) if suffix else 1
    if not scale:
        raise BudgetError(f"unknown unit {suffix!r} in {text!r}; write FLOPs like {examples}")
    number = _number(digits, "FLOP budget", value, examples) * scale
    return _whole(number, "a FLOP budget", value)
