"""The domain of a derivation: one integer lattice ``LO, LO+STEP, ..., HI`` per variable,
and the values of the other arguments (``--set``) and tied arguments (``--tie``).

Example:
    >>> ranges = parse_vary("input_size=1:64, hidden_size=8:1024:8")
    >>> ranges["hidden_size"]
    Range(lo=8, hi=1024, step=8)
    >>> ranges["hidden_size"].text(), ranges["hidden_size"].size
    ('8..1024 step 8', 128)
    >>> parse_settings(["bias=false", "dropout=0.5", "nonlinearity=relu"])
    {'bias': False, 'dropout': 0.5, 'nonlinearity': 'relu'}
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from explorer.errors import ConflictError, InvalidSizeError, UsageError

__all__ = [
    "BATCH",
    "DECODER_SEQ",
    "DEFAULT_RANGE",
    "EXTENTS",
    "NAME",
    "SEQ",
    "Range",
    "Scalar",
    "check_name",
    "parse_settings",
    "parse_ties",
    "parse_value",
    "parse_vary",
]

#: The sizes of a forward pass a derived compute adds to the model's variables: tokens per
#: sequence, an encoder-decoder's tokens per decoded sequence, sequences.
SEQ, DECODER_SEQ, BATCH = "seq", "decoder_seq", "batch"
EXTENTS = (SEQ, DECODER_SEQ, BATCH)

#: The largest end or step of a range (as the largest size the explorer counts).
MAX_RANGE = 10**18
MAX_RANGE_TEXT = "10**18"

#: An argument or variable name: a Python identifier that does not start with ``_``.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}\Z")
#: A name that may reach into a nested config: ``text_config.hidden_size``.
DOTTED = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,63}){0,3}\Z")

#: What a ``--set`` value may be: the values a JSON cache key and a saved file can hold
#: (JSON objects and lists too: a classifier's ``id2label``).
Scalar = int | float | bool | str | None | dict[str, Any] | list[Any]

_RANGE = re.compile(r"\s*(\d{1,40})\s*:\s*(\d{1,40})\s*(?::\s*(\d{1,40})\s*)?\Z")
_EXAMPLE = "e.g. hidden_size=64:4096:64"


@dataclass(frozen=True, slots=True)
class Range:
    """The lattice ``lo, lo+step, ..., hi`` of one variable (``hi`` lies on it).

    Example:
        >>> r = Range(96, 960, 96)
        >>> r.size, r.value(2), r.index(288), r.contains(100), r.contains(960)
        (10, 288, 2, False, True)
    """

    lo: int
    hi: int
    step: int = 1

    @property
    def size(self) -> int:
        """How many values the lattice holds."""
        return (self.hi - self.lo) // self.step + 1

    def value(self, index: int) -> int:
        """The ``index``-th value (0 is ``lo``)."""
        return self.lo + index * self.step

    def index(self, value: int) -> int:
        """The position of a lattice value."""
        return (value - self.lo) // self.step

    def contains(self, value: object) -> bool:
        """Whether ``value`` is an integer on the lattice."""
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.lo <= value <= self.hi
            and (value - self.lo) % self.step == 0
        )

    def text(self) -> str:
        """``1..1024`` or ``64..4096 step 64``."""
        return f"{self.lo}..{self.hi}" + (f" step {self.step}" if self.step != 1 else "")

    def option(self) -> str:
        """The range as ``--vary`` writes it: ``64:4096:64``."""
        return f"{self.lo}:{self.hi}" + (f":{self.step}" if self.step != 1 else "")

    def to_json(self) -> dict[str, int]:
        """``{"lo": ..., "hi": ..., "step": ...}``."""
        return {"lo": self.lo, "hi": self.hi, "step": self.step}

    @classmethod
    def checked(cls, name: str, lo: int, hi: int, step: int = 1) -> Range:
        """A validated range; ``hi`` is moved down onto the lattice.

        Raises:
            InvalidSizeError: negative ends, a step below 1, or fewer than two values.
        """
        if max(lo, hi, step) > MAX_RANGE:
            raise InvalidSizeError(
                f"bad range for {name}: {lo}:{hi}:{step} goes past {MAX_RANGE_TEXT}, "
                "far beyond any size a module is built with"
            )
        if lo < 0 or step < 1:
            raise InvalidSizeError(
                f"bad range for {name}: LO must be >= 0 and STEP >= 1, got {lo}:{hi}:{step}"
            )
        if hi <= lo:
            raise InvalidSizeError(
                f"bad range for {name}: HI must be above LO, got {lo}:{hi}; "
                "to fix an argument to one value use --set NAME=VALUE"
            )
        top = lo + (hi - lo) // step * step
        if top == lo:
            raise InvalidSizeError(
                f"bad range for {name}: {lo}:{hi}:{step} holds one value; "
                "to fix an argument to one value use --set NAME=VALUE"
            )
        return cls(lo, top, step)


#: A variable named without a range: sizes from 1 to 1024.
DEFAULT_RANGE = Range(1, 1024, 1)


def check_name(name: object, what: str) -> str:
    """A valid argument name, or a one-line error.

    Example:
        >>> check_name("hidden_size", "--vary name")
        'hidden_size'
    """
    if not isinstance(name, str) or not DOTTED.match(name) or keyword.iskeyword(name):
        raise UsageError(
            f"bad {what} {name!r}: use a Python identifier not starting with '_', {_EXAMPLE}"
        )
    return name


def parse_vary(spec: object) -> dict[str, Range]:
    """The variables and their ranges, from ``--vary`` text or a mapping.

    Text is ``NAME[=LO:HI[:STEP]]`` items separated by commas (a list of such texts is
    joined). A mapping's values may be ``None`` (the default range 1..1024), a ``range``
    (its stop excluded, as Python's), a ``(lo, hi)`` or ``(lo, hi, step)`` tuple (``hi``
    included), text ``"LO:HI[:STEP]"`` or a :class:`Range`.

    Raises:
        UsageError: bad names, bad ranges, a name given twice, no variable at all.

    Example:
        >>> parse_vary({"layers": range(1, 9), "width": (64, 512, 64)})
        {'layers': Range(lo=1, hi=8, step=1), 'width': Range(lo=64, hi=512, step=64)}
    """
    items: list[tuple[str, object]] = []
    if isinstance(spec, str) or (
        isinstance(spec, Iterable) and not isinstance(spec, Mapping) and not isinstance(spec, bytes)
    ):
        texts = [spec] if isinstance(spec, str) else list(spec)
        for text in texts:
            if not isinstance(text, str):
                raise UsageError(f"bad --vary item {text!r}: write NAME=LO:HI[:STEP], {_EXAMPLE}")
            for item in text.split(","):
                if not item.strip():
                    continue
                name, _, rest = item.partition("=")
                items.append((name.strip(), rest if "=" in item else None))
    elif isinstance(spec, Mapping):
        items = list(spec.items())
    else:
        raise UsageError(
            f"vary must be text like 'hidden_size=64:4096:64' or a mapping, "
            f"got {type(spec).__name__}"
        )
    ranges: dict[str, Range] = {}
    for dotted, raw in items:
        # A nested config field (text_config.hidden_size) is the variable
        # text_config__hidden_size: formulas are arithmetic over plain names.
        name = check_name(dotted, "--vary name").replace(".", "__")
        if name in ranges:
            raise ConflictError(f"{name} is varied twice; give one range")
        ranges[name] = _range(name, raw)
    if not ranges:
        raise UsageError(f"give at least one variable with --vary NAME[=LO:HI[:STEP]], {_EXAMPLE}")
    return ranges


def _range(name: str, raw: object) -> Range:
    if raw is None:
        return DEFAULT_RANGE
    if isinstance(raw, Range):
        return Range.checked(name, raw.lo, raw.hi, raw.step)
    if isinstance(raw, range):
        if raw.step < 1 or len(raw) == 0:
            raise InvalidSizeError(f"bad range for {name}: {raw} is empty or descending")
        return Range.checked(name, raw.start, raw[-1], raw.step)
    if isinstance(raw, tuple) and len(raw) in (2, 3) and all(_is_int(v) for v in raw):
        return Range.checked(name, *raw)
    if isinstance(raw, str):
        match = _RANGE.match(raw)
        if match:
            lo, hi, step = match.groups()
            return Range.checked(name, int(lo), int(hi), int(step or 1))
    raise UsageError(
        f"bad range {raw!r} for {name}: write LO:HI or LO:HI:STEP with whole numbers "
        f">= 0 ({_EXAMPLE}), or leave it out for 1:1024"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_value(text: str) -> Scalar:
    """A ``--set`` value: an int, a float, ``true``/``false``, ``none``, a JSON object or
    list (``{"0": "neg", "1": "pos"}``), else the text.

    Example:
        >>> [parse_value(t) for t in ("32", "1e-5", "True", "none", "gelu", "'7'")]
        [32, 1e-05, True, None, 'gelu', '7']
        >>> parse_value('{"0": "neg", "1": "pos"}')
        {'0': 'neg', '1': 'pos'}
    """
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        import json

        try:
            value: Scalar = json.loads(stripped)
        except (ValueError, RecursionError):
            raise UsageError(
                f"bad JSON value {stripped[:60]!r}: write an object such as "
                '\'{"0": "neg", "1": "pos"}\' or a list such as [1, 2]'
            ) from None
        return value
    lowered = stripped.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        return stripped[1:-1]
    try:
        return int(stripped.replace("_", ""))
    except ValueError:
        pass
    try:
        return float(stripped)
    except ValueError:
        return stripped


def parse_settings(items: Iterable[str] | None, what: str = "--set") -> dict[str, Scalar]:
    """``NAME=VALUE`` items (``--set``) as a dict of parsed values.

    Raises:
        UsageError: an item without ``=``, a bad name, a name given twice.
    """
    settings: dict[str, Scalar] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"bad {what} {item!r}: write NAME=VALUE, e.g. {what} bias=false")
        name = check_name(name.strip(), f"{what} name")
        if name in settings:
            raise ConflictError(f"{name} is given twice with {what}; give it once")
        settings[name] = parse_value(value)
    return settings


def parse_ties(items: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``NAME=EXPRESSION`` items (``--tie``): arguments computed from the variables.

    The expressions are checked later, against the variables, by the safe parser.

    Example:
        >>> parse_ties(["hidden_size=heads*head_dim", "num_attention_heads=heads"])
        {'hidden_size': 'heads*head_dim', 'num_attention_heads': 'heads'}
    """
    if isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        pairs = []
        for item in items or ():
            name, sep, text = item.partition("=")
            if not sep:
                raise UsageError(
                    f"bad --tie {item!r}: write NAME=EXPRESSION, e.g. "
                    "--tie hidden_size=heads*head_dim"
                )
            pairs.append((name.strip(), text.strip()))
    ties: dict[str, str] = {}
    for name, text in pairs:
        check_name(name, "--tie name")
        if name in ties:
            raise ConflictError(f"{name} is tied twice; give one expression")
        if not isinstance(text, str) or not text:
            raise UsageError(f"--tie {name} needs an expression over the varied names")
        ties[name] = text
    return ties
