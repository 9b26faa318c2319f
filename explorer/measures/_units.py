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
import numbers
import re
from decimal import Decimal, InvalidOperation, localcontext

from explorer.errors import BudgetError, shown

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


def _cap() -> int:
    from explorer.solver import MAX_BUDGET  # one cap for every budget

    return MAX_BUDGET


def _too_large(what: str, unit: str, value: object) -> BudgetError:
    return BudgetError(
        f"{what} must be at most 10**30 {unit} (beyond any machine), got {shown(value)}"
    )


def _number(text: str, what: str, value: object, examples: str) -> Decimal:
    try:
        number = Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise BudgetError(
            f"{what} {shown(value)} is not a number; write it like {examples}"
        ) from None
    if not number.is_finite():
        raise BudgetError(f"{what} must be finite, got {shown(value)}")
    return number


def _scaled(number: Decimal, scale: int, what: str, unit: str, value: object) -> Decimal:
    """``number`` x ``scale``, exactly; refused past the cap before any arithmetic (a
    1e1000000 would overflow the decimal context)."""
    if number.is_zero():
        return number
    if number.adjusted() > 40:
        raise _too_large(what, unit, value)
    with localcontext() as exact:  # 41 digits before the point at most: never rounds
        exact.prec = 200
        return number * scale


def _whole(number: Decimal, what: str, unit: str, value: object) -> int:
    if number <= 0:
        raise BudgetError(f"{what} must be positive, got {shown(value)}")
    if number > _cap():
        raise _too_large(what, unit, value)
    if number != number.to_integral_value():
        raise BudgetError(f"{what} must be a whole number, got {shown(value)} = {number}")
    return int(number)


def _plain(value: object, what: str, unit: str) -> Decimal | None:
    """A number given as a number (not text), numpy's included; ``None`` for text."""
    if isinstance(value, bool):
        raise BudgetError(f"{what} must be a number, got {shown(value)}")
    if isinstance(value, numbers.Integral):
        whole = int(value)
        if whole > _cap():  # before Decimal: a number of 5,000 digits is no budget
            raise _too_large(what, unit, value)
        return Decimal(whole)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise BudgetError(f"{what} must be finite, got {shown(value)}")
        return Decimal(repr(number))
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
    plain = _plain(value, "a byte budget", "bytes")
    if plain is not None:
        return _whole(plain, "a byte budget", "bytes", value)
    text = str(value)
    match = _SPLIT.match(text)
    if match is None:
        raise BudgetError(f"byte budget {text!r} is not a number with a unit; write {examples}")
    digits, unit = match.groups()
    scale = BYTE_UNITS.get(unit.lower(), 0) if unit else 1
    if scale > 1 and unit.endswith("b") and unit != unit.lower():  # Gb, Mb, GiB's Gib
        raise _bits(digits, unit, text)
    if not scale and unit.lower() in ("k", "m", "g", "t", "p"):
        raise BudgetError(
            f"{text!r} is ambiguous: {unit}B is 1000-based, {unit}iB 1024-based; "
            f"write {digits}{unit.upper()}B or {digits}{unit.upper()}iB"
        )
    if not scale:
        raise BudgetError(f"unknown unit {unit!r} in {text!r}; write bytes as {examples}")
    number = _number(digits, "byte budget", value, examples)
    return _whole(
        _scaled(number, scale, "a byte budget", "bytes", value), "a byte budget", "bytes", value
    )


def _bits(digits: str, unit: str, text: str) -> BudgetError:
    """``80Gb`` is gigabits (a lower-case ``b`` is a bit, an upper-case ``B`` a byte), not
    gigabytes: refused, with both readings spelled out."""
    prefix = unit[:-1].upper().replace("I", "i")
    message = (
        f"{shown(text)} is in bits (a lower-case b is a bit, B a byte); write {digits}{prefix}B "
        f"for {digits} {prefix}B of memory"
    )
    eighth = _number(digits, "byte budget", text, "80GB") / 8
    if eighth.adjusted() > 40:
        return BudgetError(message)
    places = f"{eighth:f}"
    places = places.rstrip("0").rstrip(".") if "." in places else places
    return BudgetError(f"{message}, or {places}{prefix}B for the bytes of {digits} {unit}")


def parse_flops(value: object) -> int:
    """A positive whole number of FLOPs: a number, or text like ``2e12``, ``2T``, ``1.5P``,
    ``300G`` (with an optional ``FLOPs`` after it)."""
    examples = "2e12, 2T, 1.5P, 300G or 2000000000000"
    plain = _plain(value, "a FLOP budget", "FLOPs")
    if plain is not None:
        return _whole(plain, "a FLOP budget", "FLOPs", value)
    text = str(value)
    stripped = re.sub(r"\s*flops?\s*$", "", text, flags=re.IGNORECASE)
    match = _SPLIT.match(stripped)
    if match is None:
        raise BudgetError(f"FLOP budget {text!r} is not a number; write it like {examples}")
    digits, suffix = match.groups()
    scale = _FLOP_SUFFIXES.get(suffix.lower(), 0) if suffix else 1
    if not scale:
        raise BudgetError(f"unknown unit {suffix!r} in {text!r}; write FLOPs like {examples}")
    number = _number(digits, "FLOP budget", value, examples)
    return _whole(
        _scaled(number, scale, "a FLOP budget", "FLOPs", value), "a FLOP budget", "FLOPs", value
    )
