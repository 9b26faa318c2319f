"""A derivation from builds (a cache miss): load the target, fit, verify, factor.

Imported only when the cache has no answer, so a repeat never pays for it.

Example:
    >>> import pytest; _ = pytest.importorskip("torch")
    >>> from explorer.derivation._domain import parse_vary
    >>> derived = derive_fresh("torch.nn.Embedding", None, parse_vary("num_embeddings=1:64,"
    ...     "embedding_dim=1:64"), {}, {}, what="parameters", max_degree=6, checks=4, seed=1)
    >>> derived.formula_text, derived.builds > derived.fit_builds
    ('num_embeddings*embedding_dim', True)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from explorer.derivation._build import Builder, BuildFailure, quiet
from explorer.derivation._derived import Derived, What
from explorer.derivation._diagnose import Context, build_failure, degree_cap, interaction, mismatch
from explorer.derivation._domain import Range, Scalar
from explorer.derivation._errors import TargetError
from explorer.derivation._newton import DegreeCapError, Fit, fit_polynomial, refit
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._target import (
    BUILD_TIMEOUT,
    NESTED,
    Target,
    installed_version,
    nest,
    resolve,
)
from explorer.derivation._tensors import DerivedTensor
from explorer.derivation._verify import held_out_points, verify
from explorer.errors import UnknownNameError

__all__ = ["derive_fresh"]

#: Anchors tried before a build failure is diagnosed.
_ANCHOR_TRIES = 4


def derive_fresh(
    target: str,
    model: str | None,
    ranges: Mapping[str, Range],
    settings: Mapping[str, Scalar],
    ties: Mapping[str, str],
    *,
    what: What,
    max_degree: int,
    checks: int,
    seed: int,
    say: Callable[[str], None] = lambda _line: None,
    timeout: float | None = BUILD_TIMEOUT,
    flops: bool = False,
) -> Derived:
    """Build, fit, verify and factor (the arguments already validated by ``derive``);
    with ``flops``, the FLOPs of one forward pass too (:mod:`explorer.derivation._compute`)."""
    from explorer.expressions import parse_expression

    variables = tuple(ranges)
    say(f"loading {target}")
    resolved = resolve(target, model)
    _check_names(resolved, variables, settings, ties)
    tied = {name: parse_expression(text, variables) for name, text in ties.items()}
    builder = Builder(resolved, variables, settings, tied, what, timeout=timeout)
    known = {**resolved.defaults, **settings}
    with quiet():
        say(f"building {resolved.title} on the meta device")
        polynomial, fit, checked = _fit_and_verify(
            builder,
            resolved,
            ranges=ranges,
            known=known,
            rng=random.Random(seed),
            max_degree=max_degree,
            checks=checks,
            say=say,
        )
    tensors = per_tensor(builder, fit, variables, checked, polynomial)
    say("factoring the formula")
    derived = Derived(
        target=target,
        model=resolved.model,
        variables=variables,
        domain=dict(ranges),
        fixed=dict(settings),
        ties=dict(ties),
        counted=what,
        formula_text=polynomial.readable(),
        polynomial=polynomial,
        builds=builder.builds,
        fit_builds=len(set(fit.points)),
        verified_points=len(checked),
        versions={
            name: version
            for name in resolved.libraries
            if (version := installed_version(name)) is not None
        },
        title=resolved.title,
        module=str(getattr(resolved.module_class, "__module__", "")),
        tensors=tensors,
    )
    if not flops:
        return derived
    import dataclasses

    from explorer.derivation._compute import (
        Runner,
        compute_formula,
        compute_ranges,
        fit_compute,
        refuse_other_inputs,
    )

    with quiet():
        runner = Runner(resolved, variables, settings, tied, timeout=timeout)
        refuse_other_inputs(resolved, settings)
        extents = compute_ranges(resolved, variables, ranges, known, runner.decoder)
        lattices = [*ranges.values(), *extents.values()]
        anchor = [r.index(nodes[0]) for r, nodes in zip(ranges.values(), fit.nodes)]
        found = fit_compute(
            runner,
            lattices,
            anchor,
            max_degree=max_degree,
            checks=checks,
            rng=random.Random(seed + 1),
            say=say,
        )
    return dataclasses.replace(derived, compute=compute_formula(runner, found, derived))


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
) -> tuple[RationalPolynomial, Fit, list[tuple[int, ...]]]:
    variables = tuple(ranges)
    lattices = tuple(ranges.values())
    context = Context(target.title, variables, lattices, builder.count, (), known, max_degree)
    last: list[Any] = []
    for attempt in range(2):  # a second fit on a new anchor, every term kept, if the first fails
        anchor = _anchor(builder, lattices, rng, max_degree, context)
        if attempt == 0:
            refuse_ignored(builder, tuple(r.value(k) for r, k in zip(lattices, anchor)))
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
            used = set(fit.points)  # a small domain leaves few points, or none, to hold out
            held = [p for p in points if p not in used]
            return polynomial, fit, held
        say(f"{len(mismatches)} held-out points disagree: diagnosing")
        diagnosis = mismatch(context, polynomial, mismatches)
        if diagnosis is not None:
            raise diagnosis
        last = mismatches
    raise interaction(context, last)


def per_tensor(
    builder: Builder,
    fit: Fit,
    variables: tuple[str, ...],
    held: list[tuple[int, ...]],
    total: RationalPolynomial,
) -> tuple[DerivedTensor, ...]:
    """Each group of named tensors fitted from the builds the total's fit made (no new
    build), verified at the same held-out points; empty when a group does not follow
    its polynomial there (its count is then the total's only)."""
    names: list[str] = []
    for point in (*fit.points, *held):
        names += [n for n in builder.parts(point) if n not in names]
    tensors = []
    summed = RationalPolynomial.from_terms(variables, {})
    for name in names:

        def value(point: tuple[int, ...], name: str = name) -> int:
            return builder.parts(point).get(name, 0)

        polynomial = refit(fit, value).polynomial(variables)
        if any(polynomial.evaluate(p) != value(p) for p in held):
            return ()
        info = builder.info[name]
        tensors.append(DerivedTensor(name, info.kind, info.block, info.experts, polynomial))
        summed = summed.plus(polynomial)
    return tuple(tensors) if summed == total else ()


def refuse_ignored(builder: Builder, point: tuple[int, ...]) -> None:
    """A config field set or varied that the model never reads and that changes nothing
    else in the config (the build at ``point`` ignored it) is refused, never dropped.

    Raises:
        UsageError: naming the field, and a field of that config it may mean.
    """
    target = builder.target
    if target.config_class is None:
        return
    arguments = builder.arguments(point)
    asked = {*builder.fixed, *builder.ties, *builder.variables}
    given = [n for n in arguments if n in asked]
    for name in target.unread(given):
        without = {k: v for k, v in arguments.items() if k != name}
        try:
            with quiet():
                same = _config_fields(target, without) == _config_fields(target, arguments, name)
        except Exception:  # the config refuses one of them: the field does something
            continue
        if same:
            from explorer.errors import did_you_mean

            shown = name.replace(NESTED, ".")
            guess = did_you_mean(shown.rsplit(".", 1)[-1], target.hints)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise UnknownNameError(
                f"{shown} is ignored by {target.model or target.title}: the model never reads "
                f"it and it changes nothing else in the config, so the count would not be "
                f"for the model asked about{hint}"
            )


def _config_fields(target: Target, arguments: dict[str, Any], drop: str = "") -> dict[str, Any]:
    assert target.config_class is not None
    data: dict[str, Any] = target.config_class(**nest(arguments)).to_dict()
    *outer, last = drop.split(NESTED) if drop else [""]
    table = data
    for part in outer:
        table = table.get(part, {}) if isinstance(table.get(part), dict) else {}
    if isinstance(table, dict):
        table.pop(last, None)
    for volatile in ("transformers_version", "_name_or_path"):
        data.pop(volatile, None)
    return data


def _anchor(
    builder: Builder,
    ranges: tuple[Range, ...],
    rng: random.Random,
    max_degree: int,
    context: Context,
) -> tuple[int, ...]:
    """A random lattice point near the low end (not at a range's start, where special
    values live), with room above it for the probes; it must build."""
    failures: list[BuildFailure] = []
    for _ in range(_ANCHOR_TRIES):
        anchor = []
        for r in ranges:
            room = r.size - 1 - (max_degree + 2)
            anchor.append(rng.randint(1, min(room, 24)) if room >= 1 else 0)
        point = tuple(r.value(k) for r, k in zip(ranges, anchor))
        try:
            builder.count(point)
        except BuildFailure as failure:
            failures.append(failure)
            continue
        return tuple(anchor)
    context.anchor = tuple(failures[0].point[v] for v in context.variables)
    raise build_failure(context, failures[0])


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
