"""The registry of published configurations and the counts they report.

One TOML file per paper under ``explorer/papers/data/``: its citation and entries. An
entry gives a configuration (a spec, the same format as spec files), or a formula someone
published (with its values), or a symbolic formula to check for every size, plus the
figure as printed ("21.3M", "about 19M", "6,535,168"). Reproducing compares at the printed
precision. An entry that does not reproduce stays, marked (``reproduces = false``) and
explained: that is information, not failure.

Example:
    >>> r = reproduce_entry(find_entry("graves2013-wikipedia"))
    >>> r.computed, r.reported_value, r.matches
    (21252205, 21300000, True)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from explorer.errors import SpecError, UnknownNameError
from explorer.expressions import parse_expression
from explorer.spec import Spec, SpecCount, parse_spec

__all__ = [
    "Entry",
    "Paper",
    "Reproduction",
    "find_entry",
    "load_papers",
    "measured",
    "parse_reported",
    "reproduce_entry",
]

_ENTRY_KEYS = (
    "name",
    "what",
    "reported",
    "reported_formula",
    "reproduces",
    "note",
    "formula",
    "formula_values",
    "spec",
    "example",
    "measure",
)
#: What an entry's figure counts: every parameter, or those one token uses (a mixture of
#: experts), in full or as cards print them without the embedding tables (the LM head, a
#: matrix product, counted: gpt-oss's, DeepSeek's cards), or without the LM head too
#: (GLM-4.5's): :func:`measured`.
_MEASURES = ("total", "active", "active-no-token-embedding", "active-non-embedding")
_SUFFIXES = {"k": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


@dataclass(frozen=True, slots=True)
class Entry:
    """One published configuration and its reported count."""

    paper: str
    name: str
    what: str
    note: str
    reproduces: bool
    reported: str | None = None
    reported_formula: str | None = None
    formula: str | None = None
    formula_values: dict[str, int] = field(default_factory=dict)
    spec: Spec | None = None
    example: dict[str, int] = field(default_factory=dict)
    measure: str = "total"


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper (or forum thread) with its citation and entries."""

    key: str
    title: str
    citation: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Reproduction:
    """Reported vs computed for one entry."""

    entry: Entry
    reported: str
    reported_value: int
    computed: int
    relative_error: float
    matches: bool
    tolerance: int
    count: SpecCount | None
    detail: str = ""


def parse_reported(text: str) -> tuple[int, int]:
    """The reported figure and half a unit of its last printed digit (the tolerance).

    Example:
        >>> parse_reported("21.3M"), parse_reported("about 19M"), parse_reported("6,535,168")
        ((21300000, 50000), (19000000, 500000), (6535168, 0))
    """
    cleaned = text.strip()
    for prefix in ("about", "~", "≈", "approx."):
        cleaned = cleaned.removeprefix(prefix).strip()
    scale = 1
    if cleaned and cleaned[-1] in _SUFFIXES:
        scale = _SUFFIXES[cleaned[-1]]
        cleaned = cleaned[:-1]
    cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise SpecError(
            f"reported figure {text!r} is not a number like 21.3M or 6,535,168"
        ) from None
    exponent = number.as_tuple().exponent
    unit = Decimal(10) ** (exponent if isinstance(exponent, int) else 0) * scale
    return int(number * scale), int(unit / 2)


@functools.cache
def load_papers() -> dict[str, Paper]:
    """Every paper of the registry, by key (data files shipped with the package)."""
    from explorer._toml import TOMLDecodeError, loads

    papers: dict[str, Paper] = {}
    folder = resources.files("explorer.papers") / "data"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".toml"):
            continue
        source = f"explorer/papers/data/{item.name}"
        try:
            data = loads(item.read_text(encoding="utf-8"))
        except TOMLDecodeError as error:
            raise SpecError(f"{source}: not valid TOML: {error}") from None
        paper = _paper(data, source)
        papers[paper.key] = paper
    return papers


def _paper(data: dict[str, Any], source: str) -> Paper:
    head = data.get("paper", {})
    key = head.get("key")
    if not isinstance(key, str):
        raise SpecError(f'{source}: [paper] needs key = "..."')
    entries = []
    for index, raw in enumerate(data.get("entries", [])):
        where = f"{source}: entries[{index}]"
        for name in raw:
            if name not in _ENTRY_KEYS:
                raise SpecError(f"{where}: unknown key {name!r}")
        if not isinstance(raw.get("reproduces"), bool):
            raise SpecError(f"{where}: reproduces = true|false is required")
        if sum(k in raw for k in ("reported", "reported_formula")) != 1:
            raise SpecError(f"{where}: give exactly one of reported, reported_formula")
        measure = raw.get("measure", "total")
        if measure not in _MEASURES:
            raise SpecError(f"{where}: measure must be one of {', '.join(_MEASURES)}")
        spec = None
        if "spec" in raw:
            spec = parse_spec({"name": raw.get("name", key), **raw["spec"]}, f"{where}.spec")
        if spec is None and "formula" not in raw:
            raise SpecError(f"{where}: give a spec or a formula")
        entries.append(
            Entry(
                paper=key,
                name=str(raw.get("name", f"{key}-{index}")),
                what=str(raw.get("what", "")),
                note=str(raw.get("note", "")),
                reproduces=raw["reproduces"],
                reported=raw.get("reported"),
                reported_formula=raw.get("reported_formula"),
                formula=raw.get("formula"),
                formula_values=dict(raw.get("formula_values", {})),
                spec=spec,
                example=dict(raw.get("example", {})),
                measure=measure,
            )
        )
    return Paper(key, str(head.get("title", key)), str(head.get("citation", "")), tuple(entries))


def find_entry(name: str) -> Entry:
    """An entry by name (did-you-mean on a miss)."""
    entries = {e.name: e for p in load_papers().values() for e in p.entries}
    try:
        return entries[name]
    except KeyError:
        raise UnknownNameError.for_name("registry entry", name, entries) from None


def reproduce_entry(entry: Entry) -> Reproduction:
    """Compute an entry and compare it with what was reported."""
    if entry.reported_formula is not None:
        return _reproduce_formula_identity(entry)
    assert entry.reported is not None
    value, tolerance = parse_reported(entry.reported)
    count, detail = None, ""
    if entry.formula is not None:  # the published formula: where the reported figure comes from
        expression = parse_expression(entry.formula, entry.formula_values)
        formula_value = int(expression.evaluate(entry.formula_values))
        values = ", ".join(f"{k}={v}" for k, v in entry.formula_values.items())
        detail = f"published formula {entry.formula} with {values} gives {formula_value:,}"
        computed = formula_value
    if entry.spec is not None:  # the configuration's true count, when the entry has one
        count = entry.spec.count()
        computed = measured(count, entry.measure)
    return Reproduction(
        entry=entry,
        reported=entry.reported,
        reported_value=value,
        computed=computed,
        relative_error=(computed - value) / value,
        matches=abs(computed - value) <= tolerance,
        tolerance=tolerance,
        count=count,
        detail=detail,
    )


def measured(count: SpecCount, measure: str) -> int:
    """What an entry's figure counts, read from its configuration's count (one of
    ``total``, ``active``, ``active-no-token-embedding``, ``active-non-embedding``).

    Example:
        >>> count = find_entry("mixtral-8x7b-active").spec.count()
        >>> measured(count, "active") - measured(count, "active-no-token-embedding")
        131072000
    """
    if measure == "total":
        return count.total
    active = count.active
    if measure == "active":
        return active
    parts = list(zip(count.compiled.terms, count.breakdown.values()))
    active -= sum(value for term, value in parts if term.kind == "embedding")
    if measure == "active-no-token-embedding":
        return active
    return active - sum(
        value
        for term, value in parts
        if term.role.block == "head" and term.role.extra("projection") == "lm"
    )


def _reproduce_formula_identity(entry: Entry) -> Reproduction:
    import sympy

    assert entry.spec is not None
    assert entry.reported_formula is not None
    symbolic = entry.spec.count()
    symbols = {s.name: s for s in symbolic.symbols}
    published = parse_expression(entry.reported_formula, symbols).to_sympy(symbols)
    difference = sympy.expand(symbolic.formula - published)
    count = entry.spec.count(**entry.example)
    reported = int(parse_expression(entry.reported_formula, symbols).evaluate(entry.example))
    computed = count.total
    return Reproduction(
        entry=entry,
        reported=f"{entry.reported_formula} = {reported:,}",
        reported_value=reported,
        computed=computed,
        relative_error=(computed - reported) / reported,
        matches=difference == 0 and computed == reported,
        tolerance=0,
        count=count,
        detail=f"count - published formula = {difference} (for every size)",
    )
