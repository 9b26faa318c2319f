"""From a family's terms to a compiled count, built once per structure.

Every term becomes an integer polynomial on its own and the total is the sum of the term
polynomials: no large expression is ever expanded. Small structures are built with sympy
(their formula is printed by sympy); a structure that repeats its unit (a layer) more than
:data:`UNROLL_LIMIT` times is served by its family's symbolic-depth structure when it has one (a
symbolic depth, evaluated at the depth), else built without sympy from sympy-free
polynomials. Both give compiled forms and cache entries of a size linear in the terms.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3,
    ...                    output=34)
    >>> compiled_count(c.family, c.structure).function("total")(39, 1024, 34)
    21166080
    >>> deep = explorer.count("lstm", convention="weights", input=39, cells=1024,
    ...                       layers=10**12, output=34)
    >>> deep.total, deep.compiled.slots[-1].symbol
    (8388607999996000256, 'L')
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Any

from explorer.algebra import _cache
from explorer.algebra._compiled import CompiledCount, Slot, TermInfo
from explorer.algebra._kinds import BIAS
from explorer.algebra._named import NamedPolynomial, without_sympy
from explorer.algebra._poly import Exponents, Polynomial, monomial_times
from explorer.algebra._protocol import FamilyLike, extent, general
from explorer.algebra._symbolic import SymbolicCount, symbolic_count
from explorer.errors import InvalidSizeError

if TYPE_CHECKING:
    pass

__all__ = [
    "UNROLL_LIMIT",
    "CountedAs",
    "cache_key",
    "compiled_count",
    "counted_as",
    "slots_of",
]

#: Structures that repeat their unit (a layer) at most this often are built term by term
#: with sympy, as always; beyond it a symbolic-depth structure (a symbolic depth) serves them, or,
#: when there is none (sizes given per layer), they are built without sympy.
UNROLL_LIMIT = 32
#: Beyond this many repetitions a structure is refused rather than listed term by term
#: (a symbolic-depth structure, when there is one, answers any number exactly).
MAX_UNROLLED = 100_000

_COMPILED: dict[tuple[Any, ...], CompiledCount] = {}
#: structure -> (the structure that serves it, its compiled count, how its values map)
CountedAs = tuple[Hashable, CompiledCount, "tuple[tuple[int, int], ...] | None"]
_COUNTED_AS: dict[tuple[Any, ...], CountedAs] = {}


def counted_as(family: FamilyLike, structure: Hashable) -> CountedAs:
    """How a structure is counted: the structure that serves it (itself, or, beyond
    :data:`UNROLL_LIMIT` repetitions, its symbolic-depth structure), that structure's compiled
    count, and how its slot values come from the structure's (``None``: the same).
    """
    key = (family.name, structure)
    counted = _COUNTED_AS.get(key)
    if counted is None:
        counted = _counted_as(family, structure)
        if len(_COUNTED_AS) > 4096:
            _COUNTED_AS.clear()
        _COUNTED_AS[key] = counted
    return counted


def slots_of(family: FamilyLike, structure: Hashable) -> tuple[Slot, ...]:
    """The slots whose values a count of the structure takes (``family.slots(structure)``), from
    memory once the structure was counted: thousands of per-layer slots are not made again
    for every count."""
    counted = _COUNTED_AS.get((family.name, structure))
    if counted is not None and counted[2] is None:
        return counted[1].slots
    return family.slots(structure)


def _counted_as(family: FamilyLike, structure: Hashable) -> CountedAs:
    if extent(family, structure) > UNROLL_LIMIT:
        symbolic = general(family, structure)
        if symbolic is not None:
            cover, added = symbolic
            own = {(s.keyword, s.layer): k for k, s in enumerate(family.slots(structure))}
            compiled = compiled_count(family, cover)
            mapping = tuple(
                (own[(s.keyword, s.layer)], 0)
                if (s.keyword, s.layer) in own
                else (-1, added[s.keyword])
                for s in compiled.slots
            )
            return cover, compiled, mapping
    return structure, compiled_count(family, structure), None


def compiled_count(family: FamilyLike, structure: Hashable) -> CompiledCount:
    """The compiled count of a structure: from memory, else the disk cache, else built."""
    try:
        return _COMPILED[(family.name, structure)]
    except KeyError:
        pass
    unrolled = extent(family, structure)
    if unrolled > MAX_UNROLLED:
        raise InvalidSizeError(
            f"{family.name}: a design of {unrolled:,} layers is too large to build term by "
            f"term (at most {MAX_UNROLLED:,})"
        )
    key = cache_key(family, structure)
    with _quiet_collector():
        # Deep structures are built without sympy, as fast as an entry would be read
        # back: the disk cache keeps what needs sympy.
        compiled = _compile_light(family, structure) if unrolled > UNROLL_LIMIT else None
        if compiled is None:
            compiled = _cache.load(key)
            if compiled is None:
                compiled = _compile(symbolic_count(family, structure))
                _cache.store(key, compiled)
    _COMPILED[(family.name, structure)] = compiled
    return compiled


@contextlib.contextmanager
def _quiet_collector() -> Iterator[None]:
    """The garbage collector paused: building or reading thousands of terms makes
    thousands of small acyclic objects, and each collection would walk all of them again
    (quadratic time in the number of layers)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cache_key(family: FamilyLike, structure: Hashable) -> str:
    """The disk cache's key of a structure: the family's name and the structure's repr."""
    return f"{family.name}|{structure!r}"


# -- with sympy ---------------------------------------------------------------------------
def _product(left: dict[Exponents, int], right: dict[Exponents, int]) -> dict[Exponents, int]:
    result: dict[Exponents, int] = {}
    for a, x in left.items():
        for b, y in right.items():
            key = monomial_times(a, b)
            result[key] = result.get(key, 0) + x * y
    return result


def _coefficients(expr: Any, index: dict[Any, int]) -> dict[Exponents, int]:
    """An integer polynomial expression (sums, products, whole powers of symbols and
    integers) as coefficients, walking its tree: no expansion by sympy."""
    if expr.is_Integer:
        return {(): int(expr)}
    if expr.is_Symbol:
        if expr not in index:  # a family bug, not user input
            raise AssertionError(f"formula uses undeclared size {expr}")
        return {((index[expr], 1),): 1}
    if expr.is_Add:
        total: dict[Exponents, int] = {}
        for arg in expr.args:
            for key, c in _coefficients(arg, index).items():
                total[key] = total.get(key, 0) + c
        return total
    if expr.is_Mul:
        product: dict[Exponents, int] = {(): 1}
        for arg in expr.args:
            product = _product(product, _coefficients(arg, index))
        return product
    if expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        base = _coefficients(expr.base, index)
        result: dict[Exponents, int] = {(): 1}
        for _ in range(int(expr.exp)):
            result = _product(result, base)
        return result
    # counts are integer polynomials; see TECH_NOTES
    raise AssertionError(f"not an integer polynomial: {expr}")


def _polynomial(expr: Any, index: dict[Any, int]) -> Polynomial:
    return Polynomial.of(_coefficients(expr, index))


def _compile(symbolic: SymbolicCount) -> CompiledCount:
    index = {s: k for k, s in enumerate(symbolic.symbols)}
    terms = tuple(
        TermInfo(
            name=t.name,
            kind=t.kind,
            meaning=t.meaning,
            group=t.group,
            shape_text=tuple(str(d) for d in t.shape),
            copies_text=str(t.multiplicity),
            shape=tuple(_polynomial(d, index) for d in t.shape),
            count=_polynomial(t.expr, index),
            role=t.role,
        )
        for t in symbolic.terms
    )
    active = None
    if any(t.active is not None for t in symbolic.terms):
        active = Polynomial.sum(
            info.count if t.active is None else _polynomial(t.active, index)
            for t, info in zip(symbolic.terms, terms)
        )
    return _assemble(symbolic.slots, terms, str(symbolic.formula), active)


def _assemble(
    slots: tuple[Slot, ...],
    terms: tuple[TermInfo, ...],
    text: str,
    active: Polynomial | None = None,
) -> CompiledCount:
    """The compiled count: the total is the sum of the terms by construction."""
    return CompiledCount(
        slots=slots,
        terms=terms,
        total=Polynomial.sum(t.count for t in terms),
        biases=Polynomial.sum(t.count for t in terms if t.kind == BIAS),
        written=text,
        active=active,
    )


# -- without sympy ------------------------------------------------------------------------
class _NotLightError(Exception):
    """The family built a term with sympy objects after all: build it with sympy."""


def _light_polynomial(value: Any, index: dict[str, int]) -> Polynomial:
    if type(value) is int:
        return Polynomial.constant(value)
    if type(value) is not NamedPolynomial:
        raise _NotLightError
    coefficients: dict[Exponents, int] = {}
    try:
        for key, c in value.terms.items():
            if len(key) == 1:
                ((name, power),) = key
                coefficients[((index[name], power),)] = c
            else:
                coefficients[tuple(sorted([(index[name], power) for name, power in key]))] = c
    except KeyError as error:  # a family bug, not user input
        raise AssertionError(f"formula uses undeclared size {error}") from None
    return Polynomial.of(coefficients)


def _compile_light(family: FamilyLike, structure: Hashable) -> CompiledCount | None:
    """The compiled count built from sympy-free polynomials; ``None`` when the family's
    terms need sympy (they are then built with it)."""
    slots = family.slots(structure)
    index = {s.symbol: k for k, s in enumerate(slots)}
    # A dimension is usually shared by a layer's terms (the same object): convert it once.
    seen: dict[int, tuple[Any, str, Polynomial]] = {}

    def dimension(value: Any) -> tuple[str, Polynomial]:
        known = seen.get(id(value))
        if known is None:
            known = seen[id(value)] = (value, str(value), _light_polynomial(value, index))
        return known[1], known[2]

    try:
        with without_sympy():
            built = family.build_terms(structure)
        infos = []
        for t in built:
            shape = [dimension(d) for d in t.shape]
            infos.append(
                TermInfo(
                    name=t.name,
                    kind=t.kind,
                    meaning=t.meaning,
                    group=t.group,
                    shape_text=tuple([text for text, _ in shape]),
                    copies_text=str(t.multiplicity),
                    shape=tuple([poly for _, poly in shape]),
                    count=_light_polynomial(t.expr, index),
                    role=t.role,
                )
            )
        active = None
        if any(t.active is not None for t in built):
            active = Polynomial.sum(
                info.count if t.active is None else _light_polynomial(t.active, index)
                for t, info in zip(built, infos)
            )
    except Exception:  # any failure without sympy: built with it instead (where the family
        return None  # is at fault, the sympy build raises the error again)
    return _assemble(slots, tuple(infos), "", active)  # the formula printed when it is read
