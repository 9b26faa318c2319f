"""A derived formula as a family: counted, solved, searched and swept like the built-in
ones, without torch.

Its keywords are the derived variables (each a size with its verified lattice: the solver
keeps to it), its one term the formula, its convention ``as-built``. A saved file becomes
a family with :func:`register` (its name ``derived:STEM``), so that every command and the
searches find it by name.

Example:
    >>> import pathlib, tempfile
    >>> from explorer.derivation._derived import Derived
    >>> d = Derived.from_data({"format": 1, "target": "demo.Layer",
    ...     "formula": "4*n*(m + n + 2)", "variables": ["m", "n"],
    ...     "domain": {"m": {"lo": 1, "hi": 512, "step": 1},
    ...                "n": {"lo": 8, "hi": 1024, "step": 8}},
    ...     "builds": 40, "verified": {"points": 24, "exact": True}}, "inline")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "layer.toml"
    >>> d.save(path)
    >>> import explorer
    >>> name = register(path)
    >>> name, explorer.count(name, m=39, n=64).total
    ('derived:layer', 26880)
    >>> explorer.solve(name, budget="1M", m=39).sizes
    {'m': 39, 'n': 480}
    >>> del explorer.FAMILIES[name]
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Slot
from explorer.conventions import Convention
from explorer.derivation._derived import Derived, load_derived
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._saved import MAX_BYTES as _MAX_BYTES
from explorer.derivation._tensors import DerivedTensor
from explorer.errors import ConflictError, InvalidSizeError, UnknownNameError
from explorer.families import FAMILIES, Family, Keyword, SearchChoice

if TYPE_CHECKING:
    from explorer.algebra import Term

__all__ = ["DerivedFamily", "DerivedStructure", "family_name", "is_derived_file", "register"]

#: Parts of a variable's name that say it is a width.
_WIDTHS = ("hidden", "d_model", "dim", "embd", "width", "channels", "units")


@dataclass(frozen=True, slots=True)
class DerivedStructure:
    """A derived formula has one structure: its formula over its variables (and a digest
    of its groups of tensors, which key the compiled form too)."""

    name: str
    formula: str
    tensors: str = ""


@dataclass(frozen=True, slots=True)
class _Part:
    """One term of the family: a group of tensors (or the whole count), its exact
    polynomial, and the polynomial of what one token uses of it (routed experts)."""

    name: str
    kind: str
    block: str
    meaning: str
    polynomial: RationalPolynomial
    active: RationalPolynomial | None


def _parts(derived: Derived) -> tuple[_Part, ...]:
    if not derived.tensors:
        whole = f"every {derived.counted} of {derived.target}, as built"
        return (_Part("total", "weight", "derived", whole, derived.polynomial, None),)
    parts = []
    for t in derived.tensors:
        active = routed(t.polynomial, derived.routing) if t.experts else None
        meaning = f"{t.name} ({t.block})"
        parts.append(_Part(t.name, t.kind, t.block, meaning, t.polynomial, active))
    return tuple(parts)


def routed(
    polynomial: RationalPolynomial, routing: tuple[str | int, str | int] | None
) -> RationalPolynomial | None:
    """What one token uses of the routed experts' tensors: ``k/E`` of them (``routing``
    is ``(E, k)``, each a variable's name or a number); None without routing, or where
    ``k/E`` of the polynomial is no count."""
    from fractions import Fraction

    if routing is None:
        return None
    experts, chosen = routing
    variables = polynomial.variables
    terms: dict[tuple[int, ...], Fraction] = {}
    for exponents, coefficient in polynomial.terms:
        e = list(exponents)
        c = Fraction(coefficient)
        if isinstance(experts, str):
            i = variables.index(experts)
            if e[i] == 0:
                return None
            e[i] -= 1
        else:
            c /= experts
        if isinstance(chosen, str):
            e[variables.index(chosen)] += 1
        else:
            c *= chosen
        terms[tuple(e)] = terms.get(tuple(e), Fraction(0)) + c
    return RationalPolynomial.from_terms(variables, terms)


@dataclass(frozen=True, repr=False, eq=False)
class DerivedFamily(Family):
    """The family of one derived formula."""

    derived: Derived
    name: str
    kind: str = "derived"
    default_convention: str = "as-built"
    source: str = ""

    def __hash__(self) -> int:
        return hash((self.name, self.derived.formula_text))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DerivedFamily) and (self.name, self.derived) == (
            other.name,
            other.derived,
        )

    @property
    def description(self) -> str:  # type: ignore[override]
        """What it was derived from."""
        model = f" ({self.derived.model})" if self.derived.model else ""
        return f"derived from {self.derived.target}{model}: {self.derived.formula_text}"

    @functools.cached_property
    def keywords(self) -> tuple[Keyword, ...]:  # type: ignore[override]
        """Every variable a required, solvable size (its lattice in its help)."""
        return tuple(
            Keyword(
                v,
                f"{v} (an argument of {self.derived.target})",
                symbol=v,
                help=f"{v}, on {self.derived.domain[v].text()}",
                required=True,
                solvable=True,
            )
            for v in self.derived.variables
        )

    @property
    def free_order(self) -> tuple[str, ...]:  # type: ignore[override]
        """Any variable may be the free one: the width first, then the others."""
        return (self.width, *(v for v in self.derived.variables if v != self.width))

    @property
    def width(self) -> str:  # type: ignore[override]
        """The variable that reads as a width (``hidden_size``, ``d_model``, ``dim``
        ...), else the first that is not the depth."""
        others = [v for v in self.derived.variables if v != self.depth] or [self.depth]
        return next((v for v in others if any(w in v.lower() for w in _WIDTHS)), others[0])

    @property
    def depth(self) -> str:  # type: ignore[override]
        """The variable that reads as a depth (``num_layers``, ``n_layer`` ...), else the
        last one (the searches' second axis)."""
        variables = self.derived.variables
        return next((v for v in variables if "layer" in v.lower()), variables[-1])

    @property
    def search_choices(self) -> tuple[SearchChoice, ...]:  # type: ignore[override]
        """Every variable but the width, sampled when asked for."""
        return tuple(
            SearchChoice(v, f"{v}, to choose from", "int", v, "")
            for v in self.derived.variables
            if v != self.width
        )

    @property
    def examples(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        """The smallest point of the domain."""
        return ({v: self.derived.domain[v].lo for v in self.derived.variables},)

    @property
    def structure(self) -> DerivedStructure:
        """Its one structure."""
        return self._structure

    @functools.cached_property
    def _structure(self) -> DerivedStructure:
        import hashlib
        import json

        text = json.dumps(
            [
                [p.name, p.kind, p.block, p.polynomial.text(), p.active and p.active.text()]
                for p in self._parts
            ]
        )
        digest = hashlib.sha256(text.encode()).hexdigest()[:16] if self.derived.tensors else ""
        return DerivedStructure(self.name, self.derived.formula_text, digest)

    @functools.cached_property
    def _parts(self) -> tuple[_Part, ...]:
        return _parts(self.derived)

    @functools.cached_property
    def _exact(self) -> tuple[tuple[int, str, RationalPolynomial], ...]:
        """The slots filled in exactly (a polynomial with fractional coefficients is an
        integer at every point of its domain, but not an integer polynomial): the slot's
        index, keyword and polynomial."""
        found = []
        index = len(self.derived.variables)
        for k, part in enumerate(self._parts):
            for which, polynomial in (("count", part.polynomial), ("active", part.active)):
                if polynomial is not None and polynomial.denominator != 1:
                    found.append((index, f"{which}_{k}", polynomial))
                    index += 1
        return tuple(found)

    # -- the algebra's protocol -----------------------------------------------------------
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[DerivedStructure, dict[str, Any]]:
        if self.kind != convention.KIND:
            raise ConflictError(f"{self.name} counts as built: drop --convention")
        values: dict[str, Any] = {}
        for name in sizes:
            if name not in self.derived.variables:
                raise UnknownNameError.for_name(f"{self.name} size", name, self.derived.variables)
        for name in self.derived.variables:
            value = sizes.get(name)
            if value is None or value is True:
                if not symbolic:
                    raise InvalidSizeError(f"{name} is required for {self.name}: give {name}=N")
                values[name] = None
                continue
            self.derived.check_value(name, value)
            values[name] = int(value)
        point = [values[v] for v in self.derived.variables]
        for _, keyword, polynomial in self._exact:
            values[keyword] = None if None in point else int(polynomial.evaluate(point))
        return self.structure, values

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        own = tuple(Slot(v, None, v) for v in self.derived.variables)
        return own + tuple(Slot(k, None, k, derived=True) for _, k, _ in self._exact)

    def meaning(self, slot: Slot) -> str:
        if slot.keyword in _EXTENT_WORDS and slot.keyword not in self.derived.domain:
            return _EXTENT_WORDS[slot.keyword]
        computed = self._compute_exact if self.derived.compute is not None else ()
        for _, keyword, polynomial in (*self._exact, *computed):
            if slot.keyword == keyword:
                return f"the exact value of {polynomial.text()} (fractional coefficients)"
        return f"{slot.keyword} (an argument of {self.derived.target})"

    def complete(self, structure: Hashable, values: list[Any]) -> None:
        """Fill the exact slots: ``numerator(values) // denominator`` (ints or arrays)."""
        point = values[: len(self.derived.variables)]
        for index, _, polynomial in self._exact:
            values[index] = polynomial.function()(*point) // polynomial.denominator

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        import sympy

        from explorer.algebra import Term

        symbols = dict(zip(self.derived.variables, self.derived.symbols))
        exact = {id(p): sympy.Symbol(k, positive=True) for _, k, p in self._exact}

        def expression(polynomial: RationalPolynomial) -> Any:
            if id(polynomial) in exact:
                return exact[id(polynomial)]
            return polynomial.to_sympy([symbols[v] for v in polynomial.variables])

        return tuple(
            Term(
                part.name,
                part.kind,
                (expression(part.polynomial),),
                part.meaning,
                part.block,
                role=Role(part.name, part.name, block=part.block, extras=(("words", "meaning"),)),
                active=None if part.active is None else expression(part.active),
            )
            for part in self._parts
        )

    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        return dict(zip(self.derived.variables, values))

    # -- the compute: a derived formula of one forward pass's FLOPs ----------------------
    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """``flops:full`` where the FLOPs were derived (FlopCounterMode counts the full
        square of eager attention; the causal half is not what it counts)."""
        return (COMPUTE_MEASURE,) if self.derived.compute is not None else ()

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """``seq`` (T), ``batch`` (B), an encoder-decoder's ``decoder_seq`` (T_d); then
        the compute's exact slots (fractional coefficients)."""
        own = tuple(Slot(v, None, _EXTENT_SYMBOLS[v]) for v in self._extents)
        return own + tuple(Slot(k, None, k, derived=True) for _, k, _ in self._compute_exact)

    def check_extents(self, structure: Hashable, measure: str, sizes: Mapping[str, Any]) -> None:
        """Each size and extent given on the lattice the compute was verified on."""
        compute = self._compute
        for name in compute.variables:
            value = sizes.get(name)
            if value is None:
                continue
            r = compute.domain[name]
            if r.lo == r.hi and value != r.lo:
                raise InvalidSizeError(
                    f"the FLOPs of {self.name} hold at {name}={r.lo} only (the forward pass "
                    f"fails elsewhere on its lattice): give {name}={r.lo}, or count "
                    "without --seq"
                )
            if name in _EXTENT_WORDS and name not in self.derived.domain and not r.contains(value):
                raise InvalidSizeError(
                    f"{name}={value} lies outside {r.text()}, the {_EXTENT_WORDS[name]} the "
                    f"FLOPs of {self.name} were verified on (a sequence runs up to the "
                    "config's position table, max_position_embeddings)"
                )
            compute.check_value(name, value)

    def measure_complete(self, structure: Hashable, measure: str, values: list[Any]) -> None:
        """Fill the compute's exact slots (``numerator // denominator``)."""
        size = len(self.derived.variables) + len(self._exact)
        point = [*values[: len(self.derived.variables)], *values[size : size + len(self._extents)]]
        for index, _, polynomial in self._compute_exact:
            at = size + len(self._extents) + index
            values[at] = polynomial.function()(*point) // polynomial.denominator

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """Each module's own products, as fitted (or the whole compute)."""
        compute = self._compute
        whole = f"every product of one forward pass of {self.derived.target}"
        parts = compute.tensors or (
            DerivedTensor("forward", "matmul", "derived", False, compute.polynomial),
        )
        symbols = {
            **dict(zip(self.derived.variables, self.derived.symbols)),
            **{v: _symbol(_EXTENT_SYMBOLS[v]) for v in self._extents},
        }
        exact = {id(p): _symbol(k) for _, k, p in self._compute_exact}

        def expression(polynomial: RationalPolynomial) -> Any:
            if id(polynomial) in exact:
                return exact[id(polynomial)]
            return polynomial.to_sympy([symbols[v] for v in polynomial.variables])

        return tuple(
            _term(
                part,
                expression(part.polynomial),
                whole if part.name == "forward" else f"{part.name}: its own products",
            )
            for part in parts
        )

    @functools.cached_property
    def _compute(self) -> Derived:
        if self.derived.compute is None:  # pragma: no cover - measures() declares none
            raise ConflictError(f"{self.name} has no derived compute")
        return self.derived.compute

    @property
    def _extents(self) -> tuple[str, ...]:
        return tuple(v for v in self._compute.variables if v not in self.derived.domain)

    @functools.cached_property
    def _compute_exact(self) -> tuple[tuple[int, str, RationalPolynomial], ...]:
        """The compute's parts with fractional coefficients: index among the measure's
        derived slots, keyword, polynomial."""
        found: list[tuple[int, str, RationalPolynomial]] = []
        parts = self._compute.tensors or ()
        polynomials = [p.polynomial for p in parts] or [self._compute.polynomial]
        for polynomial in polynomials:
            if polynomial.denominator != 1:
                found.append((len(found), f"flops_{len(found)}", polynomial))
        return tuple(found)

    def describe(self, structure: Hashable) -> str:
        versions = ", ".join(f"{k} {v}" for k, v in self.derived.versions.items())
        return f"counting: {self.derived.counted}; derived with {versions or 'unknown versions'}"

    # -- for the solver ----------------------------------------------------------------
    def domain(
        self, free: str, sizes: Mapping[str, Any], convention: Convention
    ) -> tuple[int, int | None]:
        """The free variable's verified range."""
        r = self.derived.domain[free]
        return max(1, r.lo), r.hi

    def multiple(self, free: str, sizes: Mapping[str, Any]) -> int:
        """The free variable's lattice step."""
        return self.derived.domain[free].step


#: A derived compute's measure: the FLOPs FlopCounterMode counts (the full square).
COMPUTE_MEASURE = "flops:full"
_EXTENT_SYMBOLS = {"seq": "T", "decoder_seq": "T_d", "batch": "B"}
_EXTENT_WORDS = {
    "seq": "tokens per sequence of the forward pass",
    "decoder_seq": "tokens per sequence the decoder reads",
    "batch": "sequences in the forward pass",
}


def _symbol(name: str) -> Any:
    import sympy

    return sympy.Symbol(name, positive=True)


def _term(part: DerivedTensor, expression: Any, meaning: str) -> Term:
    from explorer.algebra import Term

    return Term(
        part.name,
        part.kind,
        (expression,),
        meaning,
        part.block,
        role=Role(part.name, part.name, block=part.block, extras=(("words", "meaning"),)),
    )


def is_derived_file(path: str | Path) -> bool:
    """Whether ``path`` names a file saved by ``explorer derive --save`` (a TOML file with
    a ``formula`` and ``variables``), as opposed to a spec file. The whole file is looked
    at (up to the saved format's size limit), not its first lines only."""
    import re

    file = Path(path)
    if file.suffix != ".toml" or not file.is_file():
        return False
    try:
        if file.stat().st_size > _MAX_BYTES:
            return False
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return (
        re.search(r"(?m)^\s*formula\s*=", text) is not None
        and re.search(r"(?m)^\s*variables\s*=", text) is not None
        and re.search(r"(?m)^\s*\[\[\s*parts\s*\]\]", text) is None
    )


def register(path: str | Path) -> str:
    """Load a saved derived formula as a family, add it to the registry, return its name
    (``derived:STEM``).

    Raises:
        SpecError: the file is not a derived formula, or its coefficients are not integers.
    """
    file = Path(path)
    derived = load_derived(file)
    name = f"derived:{file.stem}"
    FAMILIES[name] = DerivedFamily(derived, name, source=str(file.resolve()))
    return name


def family_name(name: str) -> str:
    """A family's name as given, or, for a derived formula's file, the file registered and
    its family's name (``enc.toml`` -> ``derived:enc``). A ``.toml`` file that is not a
    derived formula stays as it is (the caller says what is wrong with it)."""
    return register(name) if is_derived_file(name) else name
