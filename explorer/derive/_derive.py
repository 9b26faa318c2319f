"""``derive``: from a class to its exact closed-form count, or a refusal that says why.

Example:
    >>> import pytest; _ = pytest.importorskip("torch")
    >>> d = derive("torch.nn.Linear", vary="in_features=1:256,out_features=1:256", cache=False)
    >>> d.formula_text, d.count(in_features=3, out_features=4)
    ('out_features*(in_features + 1)', 16)
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping
from typing import Any

from explorer.derive import _cache
from explorer.derive._build import Builder, BuildFailure, What, quiet
from explorer.derive._derived import Derived
from explorer.derive._diagnose import Context, build_failure, degree_cap, interaction, mismatch
from explorer.derive._domain import Range, Scalar, check_name, parse_ties, parse_vary
from explorer.derive._errors import TargetError
from explorer.derive._newton import DegreeCapError, Fit, fit_polynomial
from explorer.derive._poly import RationalPolynomial
from explorer.derive._target import Target, identity, installed_version, resolve
from explorer.derive._verify import held_out_points, verify
from explorer.errors import ConflictError, UnknownNameError, UsageError

__all__ = ["MAX_DEGREE", "derive"]

#: The largest degree probed in any one variable.
MAX_DEGREE = 6
#: Random held-out points, on top of each range's two ends and the two corners.
CHECKS = 16
#: Anchors tried before a build failure is diagnosed.
_ANCHOR_TRIES = 4


def derive(
    target: str,
    vary: object,
    fixed: Mapping[str, Scalar] | None = None,
    model: str | None = None,
    *,
    ties: Mapping[str, str] | None = None,
    what: What = "parameters",
    max_degree: int = MAX_DEGREE,
    checks: int = CHECKS,
    seed: int | None = None,
    cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Derived:
    """The exact count of ``target`` as a polynomial in the varied arguments.

    The target is built on the meta device only (nothing allocated); the polynomial is
    fitted exactly (rational Newton interpolation from a random anchor) and verified by
    fresh builds at held-out points, each range's two ends included. A wrong formula is
    never returned: where no polynomial fits, :class:`NoPolynomialError` says why and
    what to try.

    Args:
        target: ``torch.nn.LSTM``, ``transformers.LlamaConfig`` (with ``model``, default
            the causal-LM class, else the base model), ``transformers.GPT2LMHeadModel``,
            or ``path/to/file.py:ClassName``.
        vary: the variables and their ranges: ``"input_size=1:512,hidden_size"`` (a name
            alone ranges over 1..1024) or a mapping of name to range (see
            :func:`explorer.derive.parse_vary`).
        fixed: other constructor or config arguments.
        model: the Hugging Face model class name, for config targets.
        ties: arguments computed from the variables, e.g. ``{"hidden_size":
            "heads*head_dim"}`` (a change of variables; rounded down).
        what: count ``parameters`` (default) or ``buffers``.
        max_degree: the largest degree probed in one variable.
        checks: random held-out points, on top of the ranges' ends and corners.
        seed: the anchor's and the held-out points' seed (default: from the request).
        cache: read and write the derivation cache (``EXPLORER_CACHE=off`` also disables it).
        progress: called with a line per stage (the library itself never prints).

    Raises:
        NoPolynomialError: no polynomial fits the domain; the message says what to try.
        TargetError, MissingLibraryError: the target cannot be loaded or built.
        UsageError: bad names, ranges or values.
    """
    say = progress or (lambda _line: None)
    ranges = parse_vary(vary)
    variables = tuple(ranges)
    settings = _settings(fixed)
    tie_texts = parse_ties(ties)
    if what not in ("parameters", "buffers"):
        raise UsageError(f"what must be 'parameters' or 'buffers', got {what!r}")
    if not 1 <= max_degree <= 8:
        raise UsageError(f"max_degree must be between 1 and 8, got {max_degree}")
    if checks < 0:
        raise UsageError(f"checks must be >= 0, got {checks}")
    _no_overlap(variables, settings, tie_texts)
    tied = _tie_expressions(tie_texts, variables)

    who = identity(target, model)
    request = {
        "fixed": settings,
        "ties": tie_texts,
        "domain": {v: r.to_json() for v, r in ranges.items()},
        "what": what,
        "max_degree": max_degree,
        "checks": checks,
        "seed": seed,
    }
    key = _cache.cache_key(who, request)
    if cache:
        hit = _cached(key)
        if hit is not None:
            say("found in the cache")
            return hit

    say(f"loading {target}")
    resolved = resolve(target, model)
    _check_names(resolved, variables, settings, tie_texts)
    builder = Builder(resolved, variables, settings, tied, what)
    rng = random.Random(
        seed if seed is not None else int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)
    )
    known = {**resolved.defaults, **settings}
    with quiet():
        say(f"building {resolved.title} on the meta device")
        polynomial, fit, checked = _fit_and_verify(
            builder,
            resolved,
            ranges=ranges,
            known=known,
            rng=rng,
            max_degree=max_degree,
            checks=checks,
            say=say,
        )
    say("factoring the formula")
    derived = Derived(
        target=target,
        model=resolved.model,
        variables=variables,
        domain=dict(ranges),
        fixed=settings,
        ties=tie_texts,
        counted=what,
        formula_text=_factored(polynomial),
        polynomial=polynomial,
        builds=builder.builds,
        fit_builds=len(set(fit.points)),
        verified_points=checked,
        versions={
            name: version
            for name in resolved.libraries
            if (version := installed_version(name)) is not None
        },
        title=resolved.title,
    )
    if cache:
        _cache.store(key, derived.to_json())
    return derived


def _cached(key: str) -> Derived | None:
    data = _cache.load(key)
    if data is None:
        return None
    try:
        found = Derived.from_data(data, "cache")
    except (UsageError, KeyError, TypeError, ValueError):
        return None  # a corrupt entry is rebuilt
    return _replace(found, cached=True)


def _replace(derived: Derived, **changes: Any) -> Derived:
    import dataclasses

    return dataclasses.replace(derived, **changes)


def _fit_and_verify(
    builder: Builder,
    target: Target,
    *,
    ranges: Mapping[str, Range],
    known: Mapping[str, Any],
    rng: random.Random,
    max_degree: int,
    checks: int,
    say: Callable[[str], None],
) -> tuple[RationalPolynomial, Fit, int]:
    variables = tuple(ranges)
    lattices = tuple(ranges.values())
    context = Context(target.title, variables, lattices, builder.count, (), known, max_degree)
    last: list[Any] = []
    for attempt in range(2):  # a second fit on a new anchor, every term kept, if the first fails
        anchor = _anchor(builder, lattices, rng, max_degree, context)
        context.anchor = tuple(r.value(k) for r, k in zip(lattices, anchor))
        try:
            fit = fit_polynomial(
                builder.count, lattices, anchor, max_degree=max_degree, full=attempt > 0
            )
        except BuildFailure as failure:
            raise build_failure(context, failure) from None
        except DegreeCapError as capped:
            raise degree_cap(context, capped.index) from None
        polynomial = fit.polynomial(variables)
        degrees = ", ".join(f"{v} {d}" for v, d in zip(variables, fit.degrees))
        say(f"fitted from {len(set(fit.points))} builds (degrees: {degrees})")
        points = held_out_points(lattices, rng, set(fit.points), checks)
        say(f"verifying at {len(points)} held-out points (each range's ends included)")
        try:
            mismatches = verify(builder.count, polynomial, points)
        except BuildFailure as failure:
            raise build_failure(context, failure) from None
        if not mismatches:
            return polynomial, fit, len(points)
        say(f"{len(mismatches)} held-out points disagree: diagnosing")
        diagnosis = mismatch(context, polynomial, mismatches)
        if diagnosis is not None:
            raise diagnosis
        last = mismatches
    raise interaction(context, last)


def _anchor(
    builder: Builder,
    ranges: tuple[Range, ...],
    rng: random.Random,
    max_degree: int,
    context: Context,
) -> tuple[int, ...]:
    """A random lattice point near the low end (not at a range's start, where special
    values live), with room above it for the probes; it must build."""
    first: BuildFailure | None = None
    for _ in range(_ANCHOR_TRIES):
        anchor = []
        for r in ranges:
            room = r.size - 1 - (max_degree + 2)
            anchor.append(rng.randint(1, min(room, 24)) if room >= 1 else 0)
        point = tuple(r.value(k) for r, k in zip(ranges, anchor))
        try:
            builder.count(point)
        except BuildFailure as failure:
            first = first or failure
            continue
        return tuple(anchor)
    assert first is not None
    context.anchor = tuple(first.point[v] for v in context.variables)
    raise build_failure(context, first)


def _factored(polynomial: RationalPolynomial) -> str:
    """sympy's factored form, if it reads back (safe parser) as the same polynomial."""
    import sympy

    from explorer.expressions import parse_expression

    symbols = [sympy.Symbol(v) for v in polynomial.variables]
    text = str(sympy.factor(polynomial.to_sympy(symbols)))
    try:
        again = RationalPolynomial.from_expression(
            parse_expression(text, polynomial.variables), polynomial.variables
        )
    except UsageError:
        again = None
    if again == polynomial:
        return text
    expanded = polynomial.text()
    parse_expression(expanded, polynomial.variables)  # the expanded form always reads back
    return expanded


def _settings(fixed: Mapping[str, Scalar] | None) -> dict[str, Scalar]:
    settings: dict[str, Scalar] = {}
    for name, value in (fixed or {}).items():
        check_name(name, "--set name")
        if value is not None and not isinstance(value, bool | int | float | str):
            raise UsageError(
                f"--set {name}: a value must be a number, true/false, none or text, "
                f"got {type(value).__name__}"
            )
        settings[name] = value
    return settings


def _no_overlap(
    variables: tuple[str, ...], fixed: Mapping[str, Any], ties: Mapping[str, str]
) -> None:
    for name in variables:
        if name in fixed:
            raise ConflictError(f"{name} is both varied and set to {fixed[name]!r}; drop one")
        if name in ties:
            raise ConflictError(f"{name} is both varied and tied; drop one")
    for name in ties:
        if name in fixed:
            raise ConflictError(f"{name} is both tied and set to {fixed[name]!r}; drop one")


def _tie_expressions(ties: Mapping[str, str], variables: tuple[str, ...]) -> dict[str, Any]:
    from explorer.expressions import parse_expression

    return {name: parse_expression(text, variables) for name, text in ties.items()}


def _check_names(
    target: Target,
    variables: tuple[str, ...],
    fixed: Mapping[str, Any],
    ties: Mapping[str, str],
) -> None:
    """Every name must be an argument of the target (a variable may instead feed a tie)."""
    from explorer.expressions import parse_expression

    feeding = {n for text in ties.values() for n in parse_expression(text, variables).names}
    names = target.names
    if names is not None:
        what = f"argument of {target.title}"
        for name in variables:
            if name not in names and name not in feeding:
                raise UnknownNameError.for_name(what, name, target.hints)
        for name in (*fixed, *ties):
            if name not in names:
                raise UnknownNameError.for_name(what, name, target.hints)
    missing = [
        n for n in target.required if n not in variables and n not in fixed and n not in ties
    ]
    if missing:
        raise TargetError(
            f"{target.title} needs arguments not given: {', '.join(missing)}; "
            "give them with --vary NAME=LO:HI or --set NAME=VALUE"
        )
