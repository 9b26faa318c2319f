"""The saved format of a derived formula (TOML), and the checks every reader applies.

The file records what the formula was derived from (target, model, library versions,
fixed and tied arguments), the formula as arithmetic text, its variables and their
domain, and how it was verified. It is read with ``tomllib`` and the formula with the
project's safe parser (:mod:`explorer.expressions`): never ``eval``, never ``sympify``.

Example:
    >>> text = to_toml({"format": 1, "target": "t", "formula": "n**2 + n",
    ...     "variables": ["n"], "domain": {"n": {"lo": 1, "hi": 99, "step": 1}},
    ...     "fixed": {"bias": False, "act": None}, "builds": 9,
    ...     "verified": {"points": 4, "exact": True}})
    >>> print(text)  # doctest: +ELLIPSIS
    # An exact parameter count derived by `explorer derive`...
    format = 1
    target = "t"
    formula = "n**2 + n"
    variables = ["n"]
    builds = 9
    fixed_none = ["act"]
    <BLANKLINE>
    [domain]
    n = {lo = 1, hi = 99, step = 1}
    <BLANKLINE>
    [fixed]
    bias = false
    <BLANKLINE>
    [verified]
    points = 4
    exact = true
    <BLANKLINE>
    >>> validated(parse_toml(text, "inline"), "inline")["polynomial"].text()
    'n**2 + n'
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from explorer.derivation._domain import EXTENTS, NAME, SEQ, Range
from explorer.derivation._poly import RationalPolynomial
from explorer.errors import ExplorerError, SpecError

__all__ = ["MAX_BYTES", "negative_point", "parse_toml", "read_toml", "to_toml", "validated"]

_HEADER = (
    "# An exact parameter count derived by `explorer derive` from meta-device builds.\n"
    "# It holds on the domain below only (counts outside it are refused). The formula is\n"
    "# arithmetic over the variables; tools read it with a safe parser, never eval.\n"
)
_TABLES = ("domain", "fixed", "ties", "degrees", "verified", "versions", "at")
MAX_BYTES = 1_000_000
#: The most groups of named tensors a saved formula may hold.
MAX_TENSORS = 10_000


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(name: str) -> str:
    return name if NAME.match(name) else json.dumps(name)


def to_toml(data: Mapping[str, Any]) -> str:
    """The TOML text of :meth:`Derived.to_json` data (``None`` fixed values are listed
    under ``fixed_none``: TOML has no null; a derived compute under ``[compute]``)."""
    return "\n".join([_HEADER.rstrip("\n"), *_document(data, "")]) + "\n"


def _document(data: Mapping[str, Any], prefix: str) -> list[str]:
    """The lines of one formula's data, its tables named under ``prefix``."""
    lines = ["", f"[{prefix.rstrip('.')}]"] if prefix else []
    fixed = data.get("fixed") or {}
    for key, value in data.items():
        if key in _TABLES or key in ("tensors", "compute") or value is None:
            continue
        lines.append(f"{key} = {_value(value)}")
    unset = [k for k, v in fixed.items() if v is None]
    if unset:
        lines.append(f"fixed_none = {_value(unset)}")
    for table in _TABLES:
        entries = data.get(table)
        if table == "fixed" and entries:
            entries = {k: v for k, v in entries.items() if v is not None}
        if not entries:
            continue
        lines.append("")
        lines.append(f"[{prefix}{table}]")
        lines += [f"{_key(k)} = {_value(v)}" for k, v in entries.items()]
    for tensor in data.get("tensors") or ():
        lines += ["", f"[[{prefix}tensors]]"]
        lines += [f"{_key(k)} = {_value(v)}" for k, v in tensor.items()]
    if data.get("compute") and not prefix:
        lines += _document(data["compute"], "compute.")
    return lines


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """TOML text as data, with a one-line error naming ``source``."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{source}: not valid TOML: {error}") from None
    for table in (data, data.get("compute")):
        if not isinstance(table, dict):
            continue
        fixed = table.get("fixed", {})
        for name in table.pop("fixed_none", []):
            if isinstance(fixed, dict) and isinstance(name, str):
                fixed[name] = None
    return data


def read_toml(path: Path) -> dict[str, Any]:
    """A saved file's data."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SpecError(f"{path}: larger than {MAX_BYTES} bytes; not a derived formula")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read {path}: {error}") from None
    return parse_toml(text, str(path))


def validated(data: Mapping[str, Any], source: str, *, compute: bool = False) -> dict[str, Any]:
    """The fields of a :class:`Derived`, each checked, from saved or cached data
    (``compute``: the FLOPs formula a ``[compute]`` table holds).

    Raises:
        SpecError: naming ``source`` and the field at fault.
    """
    if not isinstance(data, Mapping):
        raise SpecError(f"{source}: not a derived formula (expected a table)")
    if data.get("format") != 1:
        found = data.get("format")
        raise _fail(source, "format", f"must be 1 (this explorer reads format 1), got {found!r}")
    target = data.get("target")
    if not isinstance(target, str) or not target:
        raise _fail(source, "target", "must be the text of what was derived")
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise _fail(source, "model", "must be a class name")
    variables = data.get("variables")
    if (
        not isinstance(variables, list)
        or not all(isinstance(v, str) and NAME.match(v) for v in variables)
        or len(set(variables)) != len(variables)
    ):
        raise _fail(source, "variables", "must be a list of distinct names")
    domain = _domain(data.get("domain"), variables, source, single=compute)
    formula = data.get("formula")
    if not isinstance(formula, str):
        raise _fail(source, "formula", "must be arithmetic text over the variables")
    from explorer.expressions import parse_expression

    try:
        polynomial = RationalPolynomial.from_expression(
            parse_expression(formula, variables), variables
        )
    except ExplorerError as error:
        raise _fail(source, "formula", f"is refused: {error}") from None
    negative = negative_point(polynomial, [domain[v] for v in variables])
    if negative is not None:
        at = ", ".join(f"{v}={x}" for v, x in zip(variables, negative))
        raise _fail(
            source,
            "formula",
            f"is negative at {at}, inside its domain: it is not a parameter count "
            "(an edited or corrupt formula)",
        )
    counted = data.get("counted", "parameters")
    if counted not in (("flops",) if compute else ("parameters", "buffers")):
        wanted = "'flops'" if compute else "'parameters' or 'buffers'"
        raise _fail(source, "counted", f"must be {wanted}")
    builds = data.get("builds")
    fit_builds = data.get("fit_builds", builds)
    if type(builds) is not int or builds < 1 or type(fit_builds) is not int:
        raise _fail(source, "builds", "must be a positive whole number")
    verified = data.get("verified")
    if (
        not isinstance(verified, Mapping)
        or type(verified.get("points")) is not int
        or verified.get("exact") is not True
    ):
        raise _fail(source, "verified", "must record the points checked, all exact (exact = true)")
    title = data.get("title", target)
    kinds = ("matmul",) if compute else ("weight", "bias", "embedding")
    tensors = _tensors(data.get("tensors", []), variables, polynomial, source, kinds)
    routing = data.get("routing")
    if routing is not None:
        if not (
            isinstance(routing, list)
            and len(routing) == 2
            and all(
                (isinstance(x, str) and x in variables) or (type(x) is int and x > 0)
                for x in routing
            )
        ):
            raise _fail(source, "routing", "must be [E, k]: variables or positive whole numbers")
        routing = tuple(routing)
    return {
        "target": target,
        "model": model,
        "variables": tuple(variables),
        "domain": domain,
        "fixed": _table(data, "fixed", (bool, int, float, str, list, dict, type(None)), source),
        "ties": _table(data, "ties", (str,), source),
        "counted": counted,
        "formula_text": formula,
        "polynomial": polynomial,
        "builds": builds,
        "fit_builds": fit_builds,
        "verified_points": verified["points"],
        "versions": _table(data, "versions", (str,), source),
        "title": title if isinstance(title, str) else target,
        "tensors": tensors,
        "routing": routing,
        "notes": _notes(data.get("notes", []), source),
        "at": _at(data.get("at", {}), domain, source),
        **({} if compute else {"compute": _compute(data.get("compute"), domain, source)}),
    }


def _within(own: Range, outer: Range) -> bool:
    """The compute's lattice of a size: the formula's, or one value of it."""
    return own == outer or (own.lo == own.hi and outer.contains(own.lo))


def _compute(data: object, domain: Mapping[str, Range], source: str) -> dict[str, Any] | None:
    """The fields of the derived compute: over the formula's variables (on its domain, or
    at one value of a size) and the forward pass's extents."""
    if data is None:
        return None
    where = f"{source} [compute]"
    if not isinstance(data, Mapping):
        raise SpecError(f"{where}: must be a table")
    fields = validated(data, where, compute=True)
    names = fields["variables"]
    own = [v for v in names if v not in domain]
    if (
        [v for v in names if v in domain] != list(domain)
        or not all(_within(fields["domain"][v], domain[v]) for v in domain)
        or SEQ not in own
        or not set(own) <= set(EXTENTS)
    ):
        raise _fail(
            where,
            "variables",
            "must be the formula's, on its domain (or one value of it), then seq, batch "
            "(and decoder_seq)",
        )
    return fields


def _at(data: object, domain: Mapping[str, Range], source: str) -> dict[str, int]:
    if not isinstance(data, Mapping) or not all(
        k in domain and domain[k].contains(v) for k, v in data.items()
    ):
        raise _fail(source, "at", "must give values of the variables inside their domain")
    return dict(data)


def _notes(data: object, source: str) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(n, str) and len(n) < 1000 for n in data):
        raise _fail(source, "notes", "must be a list of texts")
    return tuple(data[:100])


def _tensors(
    data: object,
    variables: list[str],
    total: RationalPolynomial,
    source: str,
    kinds: tuple[str, ...],
) -> tuple[Any, ...]:
    """The groups of named tensors, each formula read with the safe parser; together they
    must add up to the formula."""
    from explorer.derivation._poly import plus
    from explorer.derivation._tensors import DerivedTensor
    from explorer.expressions import parse_expression

    if not isinstance(data, list) or len(data) > MAX_TENSORS:
        raise _fail(source, "tensors", f"must be at most {MAX_TENSORS} [[tensors]] tables")
    tensors = []
    summed: dict[tuple[int, ...], Fraction] = {}
    for index, entry in enumerate(data):
        where = f"tensors[{index}]"
        if not isinstance(entry, Mapping):
            raise _fail(source, where, "must be a table")
        name, kind, block = entry.get("name"), entry.get("kind"), entry.get("block")
        if not all(isinstance(x, str) and 0 < len(x) <= 300 for x in (name, kind, block)):
            raise _fail(source, where, "needs a name, a kind and a block (text)")
        if kind not in kinds:
            raise _fail(source, where, f"kind must be {_either(kinds)}")
        experts = entry.get("experts", False)
        formula = entry.get("formula")
        if not isinstance(experts, bool) or not isinstance(formula, str):
            raise _fail(source, where, "needs experts = true/false and a formula")
        try:
            polynomial = RationalPolynomial.from_expression(
                parse_expression(formula, variables), variables
            )
        except ExplorerError as error:
            raise _fail(source, f"{where}.formula", f"is refused: {error}") from None
        summed = plus(summed, dict(polynomial.terms))
        tensors.append(DerivedTensor(str(name), kind, str(block), experts, polynomial))
    if tensors and RationalPolynomial.from_terms(variables, summed) != total:
        raise _fail(source, "tensors", "do not add up to the formula (an edited file?)")
    return tuple(tensors)


def _either(words: tuple[str, ...]) -> str:
    """``weight, bias or embedding``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def negative_point(
    polynomial: RationalPolynomial, domain: list[Range], samples: int = 256
) -> tuple[int, ...] | None:
    """A point of the domain where the polynomial is negative, or None.

    Proven where it can be: with each variable written ``lo + step*k`` (``k >= 0``), a
    polynomial whose coefficients in ``k`` are all non-negative is non-negative on the
    whole lattice (real counts are such). Otherwise the corners, each axis's first
    values and a seeded sample are checked; counting refuses a negative value anyway.

    Example:
        >>> from explorer.derivation._poly import RationalPolynomial as P
        >>> from fractions import Fraction as F
        >>> negative_point(P.from_terms(("n",), {(1,): F(4), (0,): F(-9)}), [Range(1, 9)])
        (1,)
        >>> negative_point(P.from_terms(("n",), {(2,): F(1), (1,): F(-1)}), [Range(1, 9)])
    """
    import itertools
    import random

    from explorer.derivation._poly import multiply, plus
    from explorer.errors import FormulaError

    arity = len(domain)
    zero = (0,) * arity
    try:
        shifted: dict[tuple[int, ...], Any] = {}
        for exponents, c in polynomial.terms:
            term: dict[tuple[int, ...], Any] = {zero: c}
            for i, e in enumerate(exponents):
                unit = tuple(int(k == i) for k in range(arity))
                ends = {zero: Fraction(domain[i].lo), unit: Fraction(domain[i].step)}
                linear = {k: v for k, v in ends.items() if v}
                for _ in range(e):
                    term = multiply(term, linear)
            shifted = plus(shifted, term)
        if all(c >= 0 for c in shifted.values()):
            return None
    except FormulaError:
        pass  # too large to expand: check points only
    rng = random.Random(0)
    points: list[tuple[int, ...]] = []
    if arity <= 10:
        points += list(itertools.product(*((r.lo, r.hi) for r in domain)))
    for i, r in enumerate(domain):
        for k in range(min(r.size, 8)):
            points.append(tuple(r.value(k) if j == i else d.lo for j, d in enumerate(domain)))
    for _ in range(samples):
        points.append(tuple(r.value(rng.randrange(r.size)) for r in domain))
    return next((p for p in points if polynomial.evaluate(p) < 0), None)


def _fail(source: str, key: str, what: str) -> SpecError:
    return SpecError(f"{source}: {key} {what}")


def _domain(
    data: object, variables: list[str], source: str, *, single: bool = False
) -> dict[str, Range]:
    """Each variable's lattice (``single``: a compute may hold at one value of a size)."""
    if not isinstance(data, Mapping) or set(data) != set(variables):
        raise _fail(source, "domain", "must give lo, hi and step for every variable, no other")
    domain: dict[str, Range] = {}
    for name in variables:
        entry = data[name]
        try:
            lo, hi, step = (entry[k] for k in ("lo", "hi", "step"))
            if not all(type(x) is int for x in (lo, hi, step)):
                raise TypeError
            one = single and lo == hi and lo >= 0 and step == 1
            domain[name] = Range(lo, hi) if one else Range.checked(name, lo, hi, step)
        except (KeyError, TypeError, ExplorerError):
            raise _fail(
                source, f"domain.{name}", "must be {lo = ..., hi = ..., step = ...}, lo < hi"
            ) from None
        if domain[name].hi != hi:
            raise _fail(
                source, f"domain.{name}", f"hi={hi} is not on the lattice from {lo} by {step}"
            )
    return domain


def _table(
    data: Mapping[str, Any], key: str, kinds: tuple[type, ...], source: str
) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping) or not all(
        isinstance(k, str) and isinstance(v, kinds) for k, v in table.items()
    ):
        names = "/".join(k.__name__ for k in kinds if k is not type(None))
        raise _fail(source, key, f"must map names to values of type {names}")
    return dict(table)
