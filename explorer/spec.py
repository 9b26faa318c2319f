"""Model spec files (TOML): several parts composed, sizes left symbolic, shared matrices.

The same format holds the paper registry's configurations. A spec names parts (each a
model of one family with its own sizes and convention overrides: the keys of a part are
its family's keywords), symbols that stand for sizes shared across parts, and matrices
shared between parts (counted once)::

    name = "seq2seq"
    convention = "keras"
    [symbols]
    d = "model width"
    [[parts]]
    name = "encoder"
    family = "lstm"
    vocab = 160000
    input = "d"
    cells = "d"
    layers = 4
    [[parts]]
    name = "decoder"
    family = "lstm"
    vocab = 80000
    input = "d"
    cells = "d"
    layers = 4
    output = 80000
    [[shared]]
    term = "decoder/embedding.weight"
    with = "encoder/embedding.weight"

Example:
    >>> spec = parse_spec({"symbols": {"n": "cells"}, "convention": "weights", "parts": [
    ...     {"family": "lstm", "input": 39, "cells": "n", "layers": 3, "output": 34}]}, "inline")
    >>> spec.count(n=1024).total
    21166080
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.algebra import Count, Slot, TermInfo
from explorer.conventions import CONVENTIONS
from explorer.errors import (
    ExplorerError,
    InvalidSizeError,
    SpecError,
    UnboundSizeError,
    did_you_mean,
    shown,
    typed,
)
from explorer.families import FAMILIES, Family, Keyword
from explorer.sizes import positive_int

if TYPE_CHECKING:
    import sympy

    from explorer.algebra import Term

__all__ = ["Spec", "SpecCount", "load_spec", "parse_spec"]

_TOP_KEYS = ("name", "description", "convention", "symbols", "parts", "shared")
_OWN_KEYS = ("name", "family", "convention")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}\Z")
#: A part's name: printable, no ``/`` (it prefixes the part's term names: ``encoder/...``).
_PART_NAME = re.compile(r"[^/\x00-\x1f\x7f]{1,64}\Z")
#: A spec file is a page of text; anything much larger is not one.
MAX_SPEC_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a spec: family, convention and sizes (symbols as names)."""

    name: str
    family: str
    convention: str
    sizes: dict[str, Any]
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class Spec:
    """A parsed, validated spec. :meth:`count` binds its symbols."""

    name: str
    description: str
    source: str
    symbols: dict[str, str]
    parts: tuple[Part, ...]
    shared: tuple[tuple[str, str], ...] = ()

    def __repr__(self) -> str:
        parts = tuple(part.name for part in self.parts)
        return f"Spec(name={self.name!r}, parts={parts!r}, symbols={tuple(self.symbols)!r})"

    def count(self, **values: int) -> SpecCount:
        """The count with some (or all) symbols bound; unbound ones stay symbols."""
        for key, value in values.items():
            if key not in self.symbols:
                guess = did_you_mean(key, self.symbols)
                hint = f"; did you mean '{guess}'?" if guess else ""
                known = ", ".join(self.symbols) or "none"
                raise InvalidSizeError(
                    f"{self.source}: no symbol {shown(key)}{hint} (symbols: {known})"
                )
            positive_int(key, value)
        return SpecCount(self, {k: values.get(k) for k in self.symbols})


@dataclass(frozen=True)
class _Compiled:
    terms: tuple[TermInfo, ...]
    slots: tuple[Slot, ...]
    formula_text: str


@dataclass(frozen=True)
class SpecCount:
    """The count of a spec: the parts' terms (names prefixed ``part/``) minus shared ones.

    It offers what :class:`explorer.Count` offers (total, weights, biases, breakdown,
    shapes, subtotals, formula, evaluate), so renderers and ``explain`` take either.
    """

    spec: Spec
    bound: dict[str, int | None]
    _parts: list[tuple[Part, Count, dict[int, str]]] = field(init=False, repr=False)
    _dropped: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from explorer._api import formula

        parts = []
        for part in self.spec.parts:
            family = FAMILIES[part.family]
            sizes = {k: _symbolic_value(family, k, v) for k, v in part.sizes.items()}
            sizes = {k: v for k, v in sizes.items() if v is not None}
            try:
                count = formula(part.family, convention=part.convention, **sizes)
            except ExplorerError as error:
                raise SpecError(f"{self.spec.source}: part {part.name!r}: {error}") from None
            links = {}
            for index, slot in enumerate(count.compiled.slots):
                if count.values[index] is None and not slot.derived:
                    if slot.keyword not in part.sizes:
                        raise SpecError(
                            f"{self.spec.source}: part {part.name!r}: give {slot.keyword} "
                            "(a number or a symbol from [symbols])"
                        )
                    links[index] = part.sizes[slot.keyword]
            parts.append((part, count, links))
        object.__setattr__(self, "_parts", parts)
        order = [f"{p.prefix}{t.name}" for p, c, _ in parts for t in c.compiled.terms]
        object.__setattr__(self, "_dropped", _dropped(self.spec.shared, order))

    def __repr__(self) -> str:
        return f"SpecCount(spec={self.spec.name!r}, bound={self.bound!r})"

    # -- what renderers use ------------------------------------------------------------------
    @property
    def title(self) -> str:
        """``spec NAME``."""
        return f"spec {self.spec.name}"

    @property
    def flags_text(self) -> str:
        """The parts' families and conventions."""
        return "parts: " + "; ".join(
            f"{p.name} ({p.family}, {c.convention.name})" for p, c, _ in self._parts
        )

    @property
    def compiled(self) -> _Compiled:
        """The kept terms (TermInfo), the symbols as slots, the formula as text."""
        terms = tuple(
            TermInfo(
                name=f"{p.prefix}{t.name}",
                kind=t.kind,
                meaning=t.meaning,
                group=_group(p, t.group),
                shape_text=t.shape_text,
                copies_text=t.copies_text,
                shape=t.shape,
                count=t.count,
                role=t.role,
            )
            for p, c, _ in self._parts
            for t in c.compiled.terms
            if f"{p.prefix}{t.name}" not in self._dropped
        )
        slots = tuple(Slot(name, None, name) for name in self.spec.symbols)
        return _Compiled(terms, slots, str(self.formula))

    @property
    def meanings(self) -> dict[str, str]:
        """What each symbol stands for, as the spec says."""
        return dict(self.spec.symbols)

    def context(self) -> dict[str, Any]:
        """The spec and its parts, for JSON."""
        return {
            "spec": self.spec.name,
            "source": self.spec.source,
            "parts": [
                {"name": p.name, "family": p.family, "convention": c.convention.name}
                for p, c, _ in self._parts
            ],
            "shared": [list(pair) for pair in self.spec.shared],
        }

    @property
    def values(self) -> tuple[int | None, ...]:
        """The symbols' values in declaration order (``None`` where unbound)."""
        return tuple(self.bound[name] for name in self.spec.symbols)

    @property
    def free(self) -> tuple[str, ...]:
        """Unbound symbols."""
        return tuple(name for name, value in self.bound.items() if value is None)

    @property
    def sizes(self) -> dict[str, Any]:
        """The symbols' values."""
        return dict(self.bound)

    # -- numbers ---------------------------------------------------------------------------
    @property
    def breakdown(self) -> dict[str, int]:
        """Parameters per kept term."""
        self._require_bound()
        result: dict[str, int] = {}
        for part, count, links in self._parts:
            bound = self._part_count(count, links)
            for name, value in bound.breakdown.items():
                if f"{part.prefix}{name}" not in self._dropped:
                    result[f"{part.prefix}{name}"] = value
        return result

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each kept term's shape as numbers."""
        self._require_bound()
        result = {}
        for part, count, links in self._parts:
            for name, shape in self._part_count(count, links).shapes.items():
                if f"{part.prefix}{name}" not in self._dropped:
                    result[f"{part.prefix}{name}"] = shape
        return result

    @property
    def subtotals(self) -> dict[str, int]:
        """Parameters per ``part: group``."""
        groups: dict[str, int] = {}
        for term, value in zip(self.compiled.terms, self.breakdown.values()):
            groups[term.group] = groups.get(term.group, 0) + value
        return groups

    @property
    def total(self) -> int:
        """Exact total, shared matrices counted once."""
        return sum(self.breakdown.values())

    @property
    def active(self) -> int:
        """Parameters one token uses: the total less what each part's tokens leave unused
        (the experts a mixture of experts does not route to)."""
        self._require_bound()
        unused = 0
        for _, count, links in self._parts:
            bound = self._part_count(count, links)
            unused += bound.total - bound.active
        return self.total - unused

    @property
    def biases(self) -> int:
        """Parameters in bias vectors."""
        kinds = {t.name: t.kind for t in self.compiled.terms}
        return sum(v for k, v in self.breakdown.items() if kinds[k] == "bias")

    @property
    def weights(self) -> int:
        """Everything that is not a bias."""
        return self.total - self.biases

    def evaluate(self, **values: int) -> int:
        """The total with symbols bound (overriding bound ones)."""
        return self.spec.count(**{**{k: v for k, v in self.bound.items() if v}, **values}).total

    # -- symbols ---------------------------------------------------------------------------
    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The spec's symbols (names chosen by the spec's author, checked identifiers)."""
        import sympy

        return tuple(sympy.Symbol(name, positive=True) for name in self.spec.symbols)

    @property
    def terms(self) -> tuple[Term, ...]:
        """Kept terms as sympy Terms, sizes in the spec's symbols."""
        from explorer.algebra import Term

        result = []
        for part, count, links in self._parts:
            mapping = self._mapping(count, links, bind=False)
            for t in count.terms:
                name = f"{part.prefix}{t.name}"
                if name in self._dropped:
                    continue
                result.append(
                    Term(
                        name,
                        t.kind,
                        tuple(d.xreplace(mapping) for d in t.shape),
                        t.meaning,
                        _group(part, t.group),
                        t.multiplicity.xreplace(mapping),
                        t.role,
                    )
                )
        return tuple(result)

    @property
    def formula(self) -> sympy.Expr:
        """The closed form in the spec's symbols."""
        import sympy

        return sympy.Add(*(t.expr for t in self.terms))

    def bound_formula(self) -> sympy.Expr:
        """The formula with bound symbols substituted."""
        mapping = {s: v for s, v in zip(self.symbols, self.values) if v is not None}
        return self.formula.xreplace(mapping)

    # -- helpers ---------------------------------------------------------------------------
    def _require_bound(self) -> None:
        if self.free:
            values = ", ".join(typed(name, cli=f"--set {name}=N") for name in self.free)
            raise UnboundSizeError(
                f"the spec still has free symbols {', '.join(self.free)}: give them a value "
                f"({values})"
            )

    def _part_count(self, count: Count, links: Mapping[int, str]) -> Count:
        values = tuple(
            self.bound[links[i]] if i in links else v for i, v in enumerate(count.values)
        )
        return Count(count.family, count.structure, count.convention, count.compiled, values)

    def _mapping(self, count: Count, links: Mapping[int, str], *, bind: bool) -> dict[Any, Any]:
        import sympy

        mapping: dict[Any, Any] = {}
        for index, symbol in enumerate(count.symbols):
            if index in links:
                name = links[index]
                value = self.bound[name]
                mapping[symbol] = value if bind and value else sympy.Symbol(name, positive=True)
            else:
                mapping[symbol] = count.values[index]
        return mapping


def _group(part: Part, group: str) -> str:
    return f"{part.name}: {group}" if part.prefix else group


def _symbolic_value(family: Family, key: str, value: Any) -> Any:
    """A symbol name becomes "free" for :func:`explorer.formula` (omitted, or ``True``
    for an optional part: present, its size a symbol)."""
    keyword = family.keyword(key)
    if isinstance(value, str) and keyword is not None and keyword.is_size:
        return True if keyword.kind == "part" else None
    return value


def load_spec(path: str | Path) -> Spec:
    """Read and validate a spec file; errors name the file, the key and what was expected.

    The file is UTF-8 text (a byte-order mark is allowed) of at most
    :data:`MAX_SPEC_BYTES`.
    """
    from explorer.files import read_text_bounded

    file = Path(path)
    where = shown(str(file), limit=200).strip("'")
    text = read_text_bounded(file, MAX_SPEC_BYTES, "spec file", error=SpecError)
    from explorer._toml import TOMLDecodeError, loads

    try:
        data = loads(text)
    except TOMLDecodeError as error:
        raise SpecError(f"{where}: not valid TOML: {shown(str(error)).strip(chr(39))}") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise SpecError(f"{where}: not a spec: its arrays or tables nest too deeply") from None
    except ValueError:  # an integer past Python's int-from-text limit (4,300 digits)
        raise SpecError(
            f"{where}: not a spec: a number of thousands of digits is no size; sizes are at "
            "most 10**18"
        ) from None
    return parse_spec(data, where)


def parse_spec(data: Mapping[str, Any], source: str) -> Spec:
    """Validate spec data (from TOML or a registry) into a :class:`Spec`."""
    _known_keys(data, _TOP_KEYS, source)
    for key, longest in (("name", 200), ("description", MAX_SPEC_BYTES)):
        if key in data and (not isinstance(data[key], str) or len(data[key]) > longest):
            raise SpecError(
                f"{source}: {key} must be text of at most {longest:,} characters, "
                f"got {shown(data[key])}"
            )
    convention = data.get("convention")
    if convention is not None:
        _check_convention(convention, source, "convention")
    symbols = data.get("symbols", {})
    if not isinstance(symbols, dict):
        raise SpecError(f"{source}: 'symbols' must be a table of name = \"meaning\"")
    for name, meaning in symbols.items():
        if not _NAME.match(name) or name in _reserved():
            raise SpecError(
                f"{source}: symbols: {shown(name)} is not a usable symbol name "
                "(letters, digits, _; starting with a letter; not a size keyword)"
            )
        if not isinstance(meaning, str):
            raise SpecError(f"{source}: symbols.{name} must be a text saying what it means")
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise SpecError(f"{source}: expected at least one [[parts]] table")
    declared = dict(symbols)
    parts = []
    for index, raw in enumerate(raw_parts):
        parts.append(_part(raw, index, source, convention, declared))
    if len(parts) == 1 and "name" not in raw_parts[0]:
        parts = [Part(parts[0].name, parts[0].family, parts[0].convention, parts[0].sizes, "")]
    names = [p.name for p in parts]
    if len(set(names)) != len(names):
        raise SpecError(f"{source}: part names must differ, got {', '.join(names)}")
    raw_shared = data.get("shared", [])
    if not isinstance(raw_shared, list):
        raise SpecError(
            f'{source}: shared must be [[shared]] tables of term = "part/name" and '
            f'with = "part/name", got {shown(raw_shared)}'
        )
    shared = []
    for index, raw in enumerate(raw_shared):
        where = f"{source}: shared[{index}]"
        if not isinstance(raw, dict):
            raise SpecError(f"{where}: expected a table with 'term' and 'with'")
        _known_keys(raw, ("term", "with"), where)
        term, other = raw.get("term"), raw.get("with")
        if not isinstance(term, str) or not isinstance(other, str):
            raise SpecError(f'{where}: expected term = "part/name" and with = "part/name"')
        if len(term) > 200 or len(other) > 200:
            raise SpecError(f"{where}: no term name is that long: {shown(term)}, {shown(other)}")
        shared.append((term, other))
    spec = Spec(
        data.get("name", Path(source).stem),
        data.get("description", ""),
        source,
        declared,
        tuple(parts),
        tuple(shared),
    )
    _check_shared(spec)
    return spec


def _reserved() -> set[str]:
    """Names a symbol may not take: every family's keywords, aliases and flags."""
    names = set(_OWN_KEYS)
    for family in FAMILIES.values():
        names.update(n for k in family.keywords for n in k.names)
        names.update(flag.name for flag in family.flags)
    return names


def _part(
    raw: Any, index: int, source: str, convention: str | None, symbols: dict[str, str]
) -> Part:
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: parts[{index}] must be a table")
    name = raw.get("name", f"part{index}")
    if not isinstance(name, str) or not _PART_NAME.match(name):
        raise SpecError(
            f"{source}: parts[{index}]: name must be text of 1 to 64 characters without '/', "
            f"got {shown(name)}"
        )
    where = f"{source}: part {name!r}"
    family_name = raw.get("family")
    if isinstance(family_name, str) and family_name.lower() not in FAMILIES:
        family_name = _derived_family(family_name, source, where)
    if not isinstance(family_name, str) or family_name.lower() not in FAMILIES:
        guess = did_you_mean(family_name, FAMILIES) if isinstance(family_name, str) else None
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise SpecError(
            f"{where}: family must be one of {', '.join(FAMILIES)}, got {shown(family_name)}{hint}"
        )
    family = FAMILIES[family_name.lower()]
    keys = [*_OWN_KEYS, *(n for k in family.keywords for n in k.names)]
    _known_keys(raw, (*keys, *(flag.name for flag in family.flags)), where)
    own = raw.get("convention", convention)
    if own is None:
        own = family.default_convention
    _check_convention(own, where, "convention")
    sizes = {k: v for k, v in raw.items() if k not in _OWN_KEYS}
    try:
        sizes = family.canonical(sizes)
    except ExplorerError as error:
        raise SpecError(f"{where}: {error}") from None
    for key, value in sizes.items():
        _check_type(family, key, value, where, symbols)
    for required in family.keywords:
        if required.required and required.name not in sizes:
            raise SpecError(
                f"{where}: {required.name} is required (a number or a symbol from [symbols])"
            )
    depth = family.keyword(family.depth)
    if (
        depth is not None
        and depth.name not in sizes
        and not any(isinstance(v, list) for v in sizes.values())
    ):
        sizes[depth.name] = depth.default  # as for `explorer count`, unless said otherwise
    for keyword in family.keywords:  # the family's other defaults, as `explorer count` has
        if keyword.is_size and keyword.default is not None and keyword.name not in sizes:
            sizes[keyword.name] = keyword.default
    return Part(name, family.name, str(own), sizes, f"{name}/")


def _derived_family(name: str, source: str, where: str) -> str:
    """A part's ``family`` naming a formula saved by ``explorer derive --save``: its file
    (``enc.toml``, relative to the spec's folder, else the working folder) or its family
    name (``derived:enc``, the file ``enc.toml`` beside the spec); registered, its family
    name returned. Any other name is returned as it is (the caller refuses it)."""
    from pathlib import Path

    if name.endswith(".toml"):
        file = name
    elif name.startswith("derived:") and len(name) > len("derived:"):
        file = name.removeprefix("derived:") + ".toml"
    else:
        return name
    folder = Path(source).parent if Path(source).is_file() else Path()
    candidates = [Path(file)] if Path(file).is_absolute() else [folder / file, Path(file)]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise SpecError(f"{where}: family {shown(name)}: no derived formula file {shown(file)}")
    from explorer.derivation import is_derived_file, register

    if not is_derived_file(found):
        raise SpecError(f"{where}: family {shown(name)}: {found} is not a derived formula")
    try:
        return register(found)
    except ExplorerError as error:
        raise SpecError(f"{where}: family {shown(name)}: {error}") from None


def _check_type(
    family: Family, key: str, value: Any, where: str, symbols: Mapping[str, str]
) -> None:
    """A part's value has the type its keyword's kind (or its convention flag) takes; a
    symbol names one declared in ``[symbols]``."""
    keyword = family.keyword(key)
    if keyword is None:  # a convention flag: one of its choices, or true/false
        flag = next(f for f in family.flags if f.name == key)
        fits = isinstance(value, str) if flag.choices else isinstance(value, bool)
        expected = "one of " + ", ".join(flag.choices) if flag.choices else "true or false"
    elif keyword.kind == "flag":
        fits, expected = isinstance(value, bool), "true or false"
    elif keyword.kind == "choice":
        fits, expected = isinstance(value, str), "one of " + ", ".join(keyword.choices)
    elif not keyword.is_size:  # a number that is not a size (a multiplier), or its text
        fits = isinstance(value, int | float | str) and not isinstance(value, bool)
        expected = "a number"
    else:
        try:
            fits, expected = _fits_size(keyword, value), _size_rule(keyword)
        except SpecError as error:
            raise SpecError(f"{where}: {key}: {error}") from None
    if not fits:
        raise SpecError(f"{where}: {key} must be {expected}, got {shown(value)}")
    if keyword is not None and keyword.is_size and isinstance(value, str) and value not in symbols:
        guess = did_you_mean(value, symbols)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise SpecError(
            f"{where}: {key} = {shown(value)} is not a symbol declared in "
            f"[symbols]{hint}; declare it there or give a number"
        )


def _fits_size(keyword: Keyword, value: Any) -> bool:
    if isinstance(value, list) and any(isinstance(v, str) for v in value):
        raise SpecError("per-layer lists take numbers, not symbols")
    if isinstance(value, list):
        return keyword.lists and all(type(v) is int for v in value)
    return type(value) is int or isinstance(value, str)


def _size_rule(keyword: Keyword) -> str:
    each = ", or a list of integers (one per layer)" if keyword.lists else ""
    return f"an integer or a symbol from [symbols]{each}"


def _dropped(shared: tuple[tuple[str, str], ...], order: list[str]) -> frozenset[str]:
    """The terms not counted: terms declared shared form groups (``a`` with ``b``, ``b``
    with ``c``: one matrix), and each group keeps its first term in part order; a term
    shared with itself is still one matrix."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.get(name, name) != name:
            name = parent[name]
        return name

    position = {name: index for index, name in enumerate(order)}
    for term, other in shared:
        a, b = sorted((root(term), root(other)), key=lambda n: position.get(n, len(order)))
        if a != b:
            parent[b] = a
    return frozenset(name for name in {n for pair in shared for n in pair} if root(name) != name)


def _check_shared(spec: Spec) -> None:
    if not spec.shared:
        return
    count = SpecCount(spec, dict.fromkeys(spec.symbols))
    names = {f"{p.prefix}{t.name}": t for p, c, _ in count._parts for t in c.compiled.terms}
    exprs = {t.name: t.expr for t in _all_terms(count)}
    for term, other in spec.shared:
        for name in (term, other):
            if name not in names:
                guess = did_you_mean(name, names)
                hint = f"; did you mean '{guess}'?" if guess else ""
                raise SpecError(f"{spec.source}: shared: no term {shown(name)}{hint}")
        if exprs[term] != exprs[other]:
            raise SpecError(
                f"{spec.source}: shared: {term} ({exprs[term]}) and {other} "
                f"({exprs[other]}) differ in size, so they cannot be one matrix"
            )


def _all_terms(count: SpecCount) -> list[Term]:
    from explorer.algebra import Term

    result = []
    for part, c, links in count._parts:
        mapping = count._mapping(c, links, bind=False)
        for t in c.terms:
            result.append(
                Term(
                    f"{part.prefix}{t.name}",
                    t.kind,
                    tuple(d.xreplace(mapping) for d in t.shape),
                    t.meaning,
                    t.group,
                    t.multiplicity.xreplace(mapping),
                    t.role,
                )
            )
    return result


def _known_keys(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    if not isinstance(data, Mapping):
        raise SpecError(f"{where}: expected a table")
    for key in data:
        if key not in known:
            guess = did_you_mean(str(key), known)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise SpecError(f"{where}: unknown key {shown(key)}{hint}")


def _check_convention(value: Any, where: str, key: str) -> None:
    if not isinstance(value, str) or value not in CONVENTIONS:
        guess = did_you_mean(value, CONVENTIONS) if isinstance(value, str) else None
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise SpecError(
            f"{where}: {key} must be one of {', '.join(CONVENTIONS)}, got {shown(value)}{hint}"
        )
