"""Python code generated from integer polynomials: exact scalar functions, and in-place
numpy evaluation of blocks.

The code contains nothing but integers, argument names, ``+ - *`` and calls of numpy's
``multiply``, ``add``, ``subtract``, ``left_shift`` and ``copyto``: no user text ever
reaches ``exec``.
Large polynomials become flat statements, never one deeply nested expression, so that
Python's compiler meets no recursion limit however many layers a count has.

Example:
    >>> from explorer.algebra._poly import Exponents, Polynomial
    >>> p = Polynomial.of({((0, 1), (1, 1)): 4, ((1, 2),): 4, ((1, 1),): 8})
    >>> scalar_functions((p,), 2)[0](39, 1024)
    4362240
    >>> import numpy as np
    >>> plan = array_function(p, 2)
    >>> out = np.empty(2, dtype=np.int64)
    >>> temps = [np.empty(2, dtype=np.int64) for _ in range(plan.temporaries)]
    >>> plan.function(out, temps, 39, np.array([1024, 512]))
    >>> out
    array([4362240, 1132544])
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from explorer.algebra._poly import Exponents, Polynomial

__all__ = [
    "ArrayPlan",
    "array_function",
    "compile_functions",
    "scalar_functions",
    "tuple_function",
    "tuple_getter",
]

#: Monomials per generated expression: bounded, so nesting never grows with the count.
CHUNK = 64
#: Beyond this many monomials scalar values come from a loop over the polynomial's data.
LOOP_LIMIT = 2048
#: Polynomials up to this many monomials are factored (Horner's scheme, variable by
#: variable); larger ones are evaluated monomial by monomial.
FACTOR_LIMIT = 512


def _names(arity: int) -> list[str]:
    return [f"a{k}" for k in range(arity)]


def _value_lines(poly: Polynomial, names: Sequence[str], target: str) -> tuple[list[str], str]:
    """Statements that leave the value of ``poly`` in ``target`` (none for a small one),
    and the expression that stands for its value."""
    monomials = poly.monomials
    if len(monomials) <= CHUNK:
        return [], _factored_source(poly, names)
    lines = []
    for start in range(0, len(monomials), CHUNK):
        part = Polynomial(monomials[start : start + CHUNK]).source(names)
        lines.append(f"    {target} {'=' if start == 0 else '+='} {part}")
    return lines, target


def _factored_source(poly: Polynomial, names: Sequence[str]) -> str:
    """A small polynomial as one expression, factored variable by variable (Horner's
    scheme in several variables, as :func:`array_function` does): fewer multiplications
    than the expanded form, the same exact value.

    Example:
        >>> p = Polynomial.of({((0, 1), (1, 1)): 4, ((1, 2),): 20, ((1, 1),): 24, ((2, 1),): 1})
        >>> _factored_source(p, ["i", "c", "o"])
        'c*(4*i + 20*c + 24) + o'
    """
    monomials = [(c, dict(e)) for c, e in poly.monomials]
    return _expression(_factor(monomials, greedy=True, tries=1), names)


def _expression(node: _Node, names: Sequence[str]) -> str:
    parts = []
    for slot, child in node.parts:
        name = names[slot]
        if child.parts:
            parts.append(f"{name}*({_expression(child, names)})")
        elif child.constant in (1, -1):
            parts.append(name if child.constant == 1 else f"-{name}")
        else:
            parts.append(f"{child.constant}*{name}")
    if node.constant or not parts:
        parts.append(str(node.constant))
    return " + ".join(parts).replace("+ -", "- ")


def _define(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<explorer.algebra>", "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function


def scalar_functions(polys: Sequence[Polynomial], arity: int) -> list[Callable[..., Any]]:
    """One Python function per polynomial, each taking the slot values positionally.

    The functions work on Python ints (exact) and on numpy arrays alike. A polynomial of
    more than :data:`LOOP_LIMIT` monomials is evaluated by a loop over its data instead:
    generating and compiling its code would cost more than many evaluations.
    """
    names = _names(arity)
    signature = ", ".join(names)
    functions: list[Callable[..., Any]] = []
    for poly in polys:
        if len(poly.monomials) > LOOP_LIMIT:
            functions.append(_looping(poly))
            continue
        lines, value = _value_lines(poly, names, "s")
        source = "\n".join([f"def f({signature}):", *lines, f"    return {value}", ""])
        functions.append(_define(source, "f"))
    return functions


def _looping(poly: Polynomial) -> Callable[..., Any]:
    """The polynomial evaluated from flat data: its monomials of degree one and two (a
    deep network's are) as columns of coefficients and slots, multiplied and summed by
    ``map`` and ``sum``, the others by :meth:`Polynomial.evaluate`.

    Example:
        >>> p = Polynomial.of({((0, 3),): 1, ((0, 1), (1, 1)): -2, ((1, 1),): 5, (): 7})
        >>> _looping(p)(4, 10), p.evaluate((4, 10))
        (41, 41)
    """
    constant = 0
    linear: tuple[list[int], list[int]] = ([], [])
    quadratic: tuple[list[int], list[int], list[int]] = ([], [], [])
    others: list[tuple[int, Exponents]] = []
    for coefficient, exponents in poly.monomials:
        factors = [slot for slot, power in exponents for _ in range(power)]
        if not factors:
            constant += coefficient
        elif len(factors) == 1:
            linear[0].append(coefficient)
            linear[1].append(factors[0])
        elif len(factors) == 2:
            quadratic[0].append(coefficient)
            quadratic[1].append(factors[0])
            quadratic[2].append(factors[1])
        else:
            others.append((coefficient, exponents))
    rest = Polynomial(tuple(others))
    pick, first = tuple_getter(linear[1]), tuple_getter(quadratic[1])
    second = tuple_getter(quadratic[2])
    linear_coefficients, quadratic_coefficients = tuple(linear[0]), tuple(quadratic[0])
    multiply = operator.mul

    def evaluate(*values: Any) -> Any:
        total = constant + sum(map(multiply, linear_coefficients, pick(values)))
        total += sum(
            map(multiply, quadratic_coefficients, map(multiply, first(values), second(values)))
        )
        return total + rest.evaluate(values) if others else total

    return evaluate


def tuple_getter(keys: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """``operator.itemgetter(*keys)`` that always gives a tuple (one key or none too).

    Example:
        >>> tuple_getter([2])("abc"), tuple_getter([])("abc"), tuple_getter([0, 2])("abc")
        (('c',), (), ('a', 'c'))
    """
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda values: (values[key],)
    return lambda values: ()


def tuple_function(polys: Sequence[Polynomial], arity: int) -> Callable[..., tuple[Any, ...]]:
    """One function returning the tuple of all polynomials' values (one call for all terms)."""
    if sum(len(p.monomials) for p in polys) > LOOP_LIMIT:
        return _segmented(polys, arity)
    names = _names(arity)
    lines: list[str] = []
    values: list[str] = []
    for k, poly in enumerate(polys):
        more, value = _value_lines(poly, names, f"v{k}")
        lines += more
        values.append(value)
    body = ", ".join(values) + ("," if len(values) == 1 else "")
    source = "\n".join([f"def terms({', '.join(names)}):", *lines, f"    return ({body})", ""])
    return _define(source, "terms")


# -- numpy, in place ----------------------------------------------------------------------
class _Node(NamedTuple):
    """``constant + sum(x_slot * child)``: a polynomial factored variable by variable."""

    constant: int
    parts: tuple[tuple[int, _Node], ...]


def _factor(monomials: list[tuple[int, dict[int, int]]], greedy: bool, tries: int = 3) -> _Node:
    """Factor out a variable that appears in most monomials, again and again (of the first
    ``tries`` that tie, the one that costs fewest operations: 1 takes the first, in time
    linear in the monomials and the depth); or, for very large polynomials, one monomial
    at a time."""
    constant = 0
    rest: list[tuple[int, dict[int, int]]] = []
    for coefficient, powers in monomials:
        if powers:
            rest.append((coefficient, powers))
        else:
            constant += coefficient
    if not greedy:
        return _Node(constant, tuple(_chain(c, p) for c, p in rest))
    parts: list[tuple[int, _Node]] = []
    while rest:
        seen: dict[int, int] = {}
        for _, powers in rest:
            for slot in powers:
                seen[slot] = seen.get(slot, 0) + 1
        most = max(seen.values())
        best: tuple[int, int, list[Any], list[Any]] | None = None
        candidates = sorted(s for s, n in seen.items() if n == most)[:tries]
        for slot in candidates:
            taken = [(c, _lower(p, slot)) for c, p in rest if slot in p]
            kept = [(c, p) for c, p in rest if slot not in p]
            cost = 0
            if len(candidates) > 1:
                cost = _operations(
                    _Node(0, ((slot, _factor(taken, greedy, tries)),))
                ) + _operations(_factor(kept, greedy, tries))
            if best is None or cost < best[0]:
                best = (cost, slot, taken, kept)
        assert best is not None
        _, slot, taken, rest = best
        parts.append((slot, _factor(taken, greedy, tries)))
    return _Node(constant, tuple(parts))


def _lower(powers: dict[int, int], slot: int) -> dict[int, int]:
    lower = dict(powers)
    lower[slot] -= 1
    if not lower[slot]:
        del lower[slot]
    return lower


def _chain(coefficient: int, powers: dict[int, int]) -> tuple[int, _Node]:
    """One monomial as ``x * (x' * (... * coefficient))``."""
    slot = min(powers)
    lower = _lower(powers, slot)
    child = _Node(coefficient, ()) if not lower else _Node(0, (_chain(coefficient, lower),))
    return slot, child


def _groups(node: _Node) -> dict[int, list[tuple[int, int]]]:
    """The parts ``x * c`` of a node by ``|c|``: those of one magnitude are added (or
    subtracted) first and multiplied once."""
    groups: dict[int, list[tuple[int, int]]] = {}
    for slot, child in node.parts:
        if not child.parts:
            groups.setdefault(abs(child.constant), []).append((slot, child.constant))
    return groups


def _operations(node: _Node) -> int:
    """How many numpy operations :func:`array_function` emits for a node (its cost)."""
    count, started = 0, False
    for _, child in node.parts:
        if child.parts:
            count += _operations(child) + (1 if not started else 3)
            started = True
    for magnitude, members in _groups(node).items():
        if magnitude == 1:
            count += len(members)
        else:
            count += len(members) + (0 if not started else 1)
        started = True
    if node.constant or not started:
        count += 1
    return count


class ArrayPlan(NamedTuple):
    """A generated in-place evaluator: ``function(out, temps, *args)`` writes the value into
    ``out`` (an int64 array) using ``temporaries`` scratch arrays of the same length; each
    argument is an int64 array of that length or a Python int."""

    function: Callable[..., None]
    temporaries: int


def array_function(poly: Polynomial, arity: int) -> ArrayPlan:
    """The polynomial as in-place numpy operations on blocks: Horner's scheme, parts with
    coefficients of one magnitude added before they are multiplied."""
    monomials = [(c, dict(e)) for c, e in poly.monomials]
    emitter = _Emitter(_names(arity))
    emitter.emit(_factor(monomials, greedy=len(monomials) <= FACTOR_LIMIT), "out", 0)
    deepest = emitter.deepest
    head = [f"def f(out, temps, {', '.join(emitter.names)}):"]
    if deepest:
        unpack = ", ".join(f"t{k}" for k in range(deepest))
        head.append(f"    {unpack}{',' if deepest == 1 else ''} = temps[:{deepest}]")
    import numpy as np

    namespace: dict[str, Any] = {
        "_mul": np.multiply,
        "_add": np.add,
        "_sub": np.subtract,
        "_copyto": np.copyto,
        "_shl": np.left_shift,
    }
    source = "\n".join([*head, *emitter.lines, ""])
    exec(compile(source, "<explorer.algebra>", "exec"), namespace)
    return ArrayPlan(namespace["f"], deepest)


class _Emitter:
    """Writes the statements of :func:`array_function`, one numpy operation each."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.lines: list[str] = []
        self.deepest = 0

    def _temp(self, depth: int) -> str:
        self.deepest = max(self.deepest, depth + 1)
        return f"t{depth}"

    def _op(self, name: str, left: str, right: object, target: str) -> None:
        self.lines.append(f"    {name}({left}, {right}, out={target})")

    def _scale(self, source: str, factor: int, target: str) -> None:
        """``target = source * factor``; a power of two as a shift (cheaper than an int64
        multiplication, and the same bits, wrapping included)."""
        if factor > 1 and factor & (factor - 1) == 0:
            self._op("_shl", source, factor.bit_length() - 1, target)
        else:
            self._op("_mul", source, factor, target)

    def emit(self, node: _Node, target: str, depth: int) -> None:
        """Statements that leave the node's value in ``target``."""
        started = False
        for slot, child in node.parts:
            if not child.parts:
                continue
            x = self.names[slot]
            if not started:
                self.emit(child, target, depth)
                self._op("_mul", target, x, target)
            else:
                scratch = self._temp(depth)
                self.emit(child, scratch, depth + 1)
                self._op("_mul", scratch, x, scratch)
                self._op("_add", target, scratch, target)
            started = True
        for magnitude, members in _groups(node).items():
            self._group(magnitude, members, target, depth, started)
            started = True
        if not started:
            self.lines.append(f"    _copyto({target}, {node.constant})")
        elif node.constant:
            self._op("_add", target, node.constant, target)

    def _group(
        self, magnitude: int, members: list[tuple[int, int]], target: str, depth: int, started: bool
    ) -> None:
        """``target (+)= magnitude * (±x ± y ...)``."""
        positive = [self.names[s] for s, c in members if c > 0]
        negative = [self.names[s] for s, c in members if c < 0]
        if magnitude == 1:
            for x in positive:
                if started:
                    self._op("_add", target, x, target)
                else:
                    self.lines.append(f"    _copyto({target}, {x})")
                started = True
            for x in negative:
                if started:
                    self._op("_sub", target, x, target)
                else:
                    self._op("_mul", x, -1, target)
                started = True
            return
        factor = magnitude if positive else -magnitude
        plus, minus = (positive, negative) if positive else (negative, [])
        into = self._temp(depth) if started else target
        if len(plus) + len(minus) == 1:
            self._scale(plus[0], factor, into)
        else:
            rest = [("_add", x) for x in plus[1:]] + [("_sub", x) for x in minus]
            self._op(rest[0][0], plus[0], rest[0][1], into)
            for op, x in rest[1:]:
                self._op(op, into, x, into)
            self._scale(into, factor, into)
        if started:
            self._op("_add", target, into, target)


def compile_functions(polys: Sequence[Polynomial], slots: int) -> list[Callable[..., Any]]:
    """One generated function per polynomial (see :func:`scalar_functions`), for
    callers that hold their monomials with exponent vectors, ``(c, (e0, e1, ...))`` (a
    fitted polynomial over named arguments), as well as in this module's sparse form.

    Example:
        >>> compile_functions([Polynomial(((4, (1, 1)), (4, (0, 2))))], 2)[0](39, 1024)
        4354048
    """

    def sparse(poly: Polynomial) -> Polynomial:
        coefficients: dict[Exponents, int] = {}
        for coefficient, given in poly.monomials:
            exponents: Exponents = (
                tuple((k, p) for k, p in enumerate(given) if p)  # a vector: a power per slot
                if given and type(given[0]) is int
                else given
            )
            coefficients[exponents] = coefficients.get(exponents, 0) + coefficient
        return Polynomial.of(coefficients)

    return scalar_functions([sparse(p) for p in polys], slots)


def _segmented(polys: Sequence[Polynomial], arity: int) -> Callable[..., tuple[Any, ...]]:
    """All polynomials' values from one flat pass, for many small polynomials (a deep
    network's terms): every monomial of degree two at most is ``c x a x b`` over the values
    and a constant 1, multiplied by ``map``; a running sum (``accumulate``) then gives each
    polynomial's value as the difference of two of its entries. The work is linear in the
    monomials and done in C loops, not one Python call per polynomial; monomials of higher
    degree (rare) are evaluated per polynomial.

    Example:
        >>> p = Polynomial.of({((0, 1), (1, 1)): 4, ((1, 2),): 4, ((1, 1),): 8})
        >>> q = Polynomial.of({((0, 3),): 1, (): 7})
        >>> _segmented([p, q, Polynomial(())], 2)(39, 1024)
        (4362240, 59326, 0)
    """
    one = arity  # the index of the constant 1 appended to the values
    coefficients: list[int] = []
    first: list[int] = []
    second: list[int] = []
    bounds = [0]
    higher: list[tuple[int, Polynomial]] = []
    for k, poly in enumerate(polys):
        others: list[tuple[int, Exponents]] = []
        for coefficient, exponents in poly.monomials:
            factors = [slot for slot, power in exponents for _ in range(power)]
            if len(factors) > 2:
                others.append((coefficient, exponents))
                continue
            factors += [one] * (2 - len(factors))
            coefficients.append(coefficient)
            first.append(factors[0])
            second.append(factors[1])
        bounds.append(len(coefficients))
        if others:
            higher.append((k, Polynomial(tuple(others))))
    pick_first, pick_second = tuple_getter(first), tuple_getter(second)
    starts, ends = tuple_getter(bounds[:-1]), tuple_getter(bounds[1:])
    multiply, subtract = operator.mul, operator.sub
    from itertools import accumulate

    def evaluate_all(*values: Any) -> tuple[Any, ...]:
        extended = (*values, 1)
        products = map(
            multiply, coefficients, map(multiply, pick_first(extended), pick_second(extended))
        )
        running = list(accumulate(products, initial=0))
        result = tuple(map(subtract, ends(running), starts(running)))
        if not higher:
            return result
        patched = list(result)
        for k, rest in higher:
            patched[k] = patched[k] + rest.evaluate(values)
        return tuple(patched)

    return evaluate_all
