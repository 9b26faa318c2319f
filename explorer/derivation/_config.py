"""A config.json whose model type has no family, counted from the config itself.

Where ``transformers`` is installed, the model class the config names is built on the
meta device at the file's own values. The fields that change the count are found from
the config attributes the model reads (each perturbed: does a build change?), the count
per group of named tensors is fitted as a polynomial over them (anchored at the file's
values, on a lattice that keeps the config buildable), verified at held-out builds, and
checked once more against the build at the file's own values before anything is
returned. A field along which the count is no polynomial (an irregular layer pattern, a
rounding rule) stays fixed at the file's value, and the result says so. The derived
formula is cached by the model's source files, the library versions and the config's
fields: a repeat imports neither torch nor transformers.

Example:
    >>> import pytest; _ = pytest.importorskip("transformers")
    >>> c = count_config({"model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2,
    ...     "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
    ...     "intermediate_size": 128, "vocab_size": 1000}, cache=False)
    >>> c.total
    138112
    >>> c.notes[0]  # doctest: +ELLIPSIS
    'derived from the config by building Qwen3Model on the meta device, transformers ...'
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.derivation import _cache
from explorer.derivation._derived import Derived
from explorer.derivation._domain import Range
from explorer.derivation._newton import Fit
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._target import BUILD_TIMEOUT, NESTED, installed_version, nest
from explorer.derivation._tensors import DerivedTensor
from explorer.errors import ConfigError, ConflictError

if TYPE_CHECKING:
    from explorer.algebra import Count
    from explorer.derivation._build import Builder, Shape

__all__ = ["ROUTE", "count_config", "count_unknown_type", "derive_config"]

#: How the FLOPs are derived, in words.
_HOW = "forward passes under FlopCounterMode on the meta device (eager attention)"
#: How the output names this route.
ROUTE = "derived from the config by building {model} on the meta device, transformers {version}"
#: Fields read by a model that set no size (token ids, flags): not probed.
_NOT_SIZES = ("token_id", "_id", "dropout", "eps", "std", "range", "factor", "theta", "scale")
#: Lattice values above the file's value taken along each field.
_SPAN = 10
#: Random held-out points on top of the ends and corners.
_CHECKS = 4
_MAX_DEGREE = 4
_EXPERTS = ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts")
_TOP_K = ("num_experts_per_tok", "moe_topk", "num_selected_experts", "top_k")


def count_config(
    config: Mapping[str, Any],
    *,
    model: str | None = None,
    seq: int | None = None,
    batch: int | None = None,
    cache: bool = True,
    build_timeout: float | None = BUILD_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> Count:
    """The exact count of the model ``transformers`` builds from ``config`` (a parsed
    config.json), for a model type with no family: derived from the config itself (see
    the module's text) and verified by a build at the file's own values.

    Args:
        config: the config.json's fields (``model_type`` among them); nested configs
            (``text_config``) as nested dicts.
        model: the model class (default: the config's ``architectures``, else the base
            model, as a family counts a config without them).
        seq, batch: the forward pass whose FLOPs are wanted: the FLOPs are derived too
            (cached apart), verified at this pass at the file's values among others.
        cache: read and write the derivation cache.
        build_timeout: seconds one build may take.
        progress: called with a line per stage.

    Raises:
        MissingLibraryError: torch or transformers is not installed.
        ConfigError: the config cannot be built (the message says why).
        ConflictError: the FLOPs cannot be derived (a model that reads images, a pass
            that fails on the meta device; the message says why).
    """
    derived, route = derive_config(
        config,
        model=model,
        cache=cache,
        build_timeout=build_timeout,
        progress=progress,
        flops=seq is not None or batch is not None,
        asked=(seq, batch),
    )
    return _count(derived, route, seq, batch)


def count_unknown_type(
    config: Mapping[str, Any],
    *,
    model: str | None = None,
    convention: str | None = None,
    seq: int | None = None,
    batch: int | None = None,
    fields: Mapping[str, Any] | None = None,
    families: Sequence[str] = (),
) -> Count:
    """``count_hf`` and ``count --hf-config`` for a model type that has no family: the
    config (with ``fields`` set over it: ``hidden_size``, ``text_config.hidden_size``,
    ``id2label``) counted by :func:`count_config`; without transformers, one line that
    names the model types with a family and the extra that adds the route.

    Raises:
        ConfigError: transformers (or torch) is not installed, or the config does not
            build.
        ConflictError: a convention other than ``hf``.
    """
    from explorer.derivation._errors import MissingLibraryError

    model_type = str(config.get("model_type"))[:40]
    if convention not in (None, "hf"):
        raise ConflictError(
            f"model_type {model_type!r} is counted as transformers builds it: drop --convention"
        )
    from explorer.errors import did_you_mean

    guess = did_you_mean(model_type, families)
    hint = f"; did you mean '{guess}'?" if guess else ""
    merged = nest({**config, **(fields or {})})
    try:
        return count_config(merged, model=model, seq=seq, batch=batch)
    except MissingLibraryError:
        raise ConfigError(
            f"model_type {model_type!r} has no family ({len(families)} model types have one, "
            f"such as {', '.join(list(families)[:3])}); "
            "counting it from the config itself needs torch and transformers: "
            "pip install 'explorer[truth]'"
        ) from None
    except ConfigError as error:
        if "knows no model_type" in str(error) and hint:
            raise ConfigError(f"{error}{hint}") from None
        raise


def derive_config(
    config: Mapping[str, Any],
    *,
    model: str | None = None,
    cache: bool = True,
    build_timeout: float | None = BUILD_TIMEOUT,
    progress: Callable[[str], None] | None = None,
    flops: bool = False,
    asked: tuple[int | None, int | None] = (None, None),
) -> tuple[Derived, str]:
    """The derived formula of ``config``'s model over the fields that change its count
    (domain: the file's values and the lattice above them that was verified), and the
    route's words; with ``flops``, its derived compute too (``asked``: the ``seq`` and
    ``batch`` of the pass wanted, verified at the file's values). See
    :func:`count_config`."""
    say = progress or (lambda _line: None)
    data = _checked(config)
    model_type = str(data["model_type"])
    key = _cache.cache_key(
        "config",
        {
            "fields": data,
            "model": model,
            "source": _source_digest(model_type),
            "versions": {n: installed_version(n) for n in ("torch", "transformers")},
        },
    )
    found = _from_cache(key) if cache else None
    if found is not None:
        say("found in the cache")
        found = dataclasses.replace(found, cached=True)
    else:
        found = _derive(data, model, build_timeout, say)
        if cache:
            _cache.store(key, found.to_json())
    if flops:
        found = _with_compute(
            found,
            data,
            key=key,
            model=model,
            timeout=build_timeout,
            say=say,
            asked=asked,
            cache=cache,
        )
    return found, _route(found)


def _from_cache(key: str) -> Derived | None:
    """A cached formula (None: none, or a corrupt entry, derived again)."""
    hit = _cache.load(key)
    if hit is None:
        return None
    try:
        return Derived.from_data(hit, "cache")
    except (ValueError, KeyError, TypeError):
        return None


def _with_compute(
    derived: Derived,
    data: Mapping[str, Any],
    *,
    key: str,
    model: str | None,
    timeout: float | None,
    say: Callable[[str], None],
    asked: tuple[int | None, int | None],
    cache: bool,
) -> Derived:
    """The derived formula with its compute: from the cache (keyed by the formula's own
    key), else derived by forward passes over the same fields, ``seq`` and ``batch``."""
    compute_key = _cache.cache_key("config-compute", {"formula": key})
    found = _from_cache(compute_key) if cache else None
    if found is not None and found.compute is not None:
        say("FLOPs found in the cache")
        return dataclasses.replace(found, cached=derived.cached)
    compute = _derive_compute(derived, data, model=model, timeout=timeout, say=say, asked=asked)
    found = dataclasses.replace(derived, compute=compute)
    if cache:
        _cache.store(compute_key, found.to_json())
    return found


def _derive_compute(
    derived: Derived,
    data: Mapping[str, Any],
    *,
    model: str | None,
    timeout: float | None,
    say: Callable[[str], None],
    asked: tuple[int | None, int | None],
) -> Derived:
    """The FLOPs of one forward pass over the formula's fields (on its domain), ``seq``
    and ``batch``: see :mod:`explorer.derivation._compute`. The pass at the file's
    values with the asked ``seq`` and ``batch`` is among those verified."""
    from explorer.derivation._build import quiet
    from explorer.derivation._compute import (
        Runner,
        compute_formula,
        compute_ranges,
        fit_compute,
        refuse_other_inputs,
    )
    from explorer.derivation._target import require

    require("torch")
    require("transformers")
    target = _target(data, model)
    fields = {k: v for k, v in data.items() if k != "model_type"}
    variables = derived.variables
    with quiet():
        refuse_other_inputs(target, fields)
        runner = Runner(
            target,
            variables,
            {k: v for k, v in fields.items() if k not in variables},
            {},
            timeout=timeout,
        )
        extents = compute_ranges(target, variables, derived.domain, fields, runner.decoder)
        ranges = [*(derived.domain[v] for v in variables), *extents.values()]
        at = [derived.at.get(v, derived.domain[v].lo) for v in variables]
        anchor = [derived.domain[v].index(_start(v, x)) for v, x in zip(variables, at)]
        seq, batch = asked
        length = 1 if seq is None else seq
        wanted = {"seq": length, "decoder_seq": length, "batch": 1 if batch is None else batch}
        point = (*at, *(wanted[e] for e in extents))
        inside = all(r.contains(x) for r, x in zip(ranges, point))
        found = fit_compute(
            runner,
            ranges,
            anchor,
            asked=[point] if inside else [],
            max_degree=_MAX_DEGREE,
            checks=_CHECKS,
            rng=random.Random(1),
            say=say,
            light=True,
        )
    return compute_formula(runner, found, derived)


def _route(derived: Derived) -> str:
    version = derived.versions.get("transformers", "unknown")
    return ROUTE.format(model=derived.model, version=version)


def _checked(config: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(config, Mapping) or not isinstance(config.get("model_type"), str):
        raise ConfigError('a config needs "model_type" to be built from')
    try:
        text = json.dumps(config, sort_keys=True)
    except (TypeError, ValueError):
        raise ConfigError("a config's fields must be JSON values") from None
    data: dict[str, Any] = json.loads(text)
    for volatile in ("transformers_version", "_name_or_path", "torch_dtype", "dtype"):
        data.pop(volatile, None)
    return data


def _source_digest(model_type: str) -> str | None:
    """A digest of the model type's configuration and modelling files, found on
    ``sys.path`` without importing transformers (a cached answer must not pay for it)."""
    import sys

    folder = model_type.replace("-", "_")
    for entry in sys.path:
        base = Path(entry or ".") / "transformers" / "models" / folder
        if base.is_dir():
            digests = [
                f"{p.name}:{_cache.file_digest(str(p))}"
                for p in sorted(base.glob("*.py"))
                if p.name.startswith(("configuration_", "modeling_"))
            ]
            return ",".join(digests)
    return None


# -- a derivation from builds ---------------------------------------------------------------
def _derive(
    data: dict[str, Any], model: str | None, timeout: float | None, say: Callable[[str], None]
) -> Derived:
    from explorer.derivation._build import Builder, BuildFailure, quiet
    from explorer.derivation._fit import per_tensor
    from explorer.derivation._target import require

    require("torch")
    require("transformers")
    target = _target(data, model)
    fixed = {k: v for k, v in data.items() if k not in ("model_type",)}
    say(f"building {target.model} on the meta device at the file's values")
    with quiet():
        whole = Builder(target, (), fixed, {}, timeout=timeout)
        try:
            truth = whole.count(())
        except BuildFailure as failure:
            raise ConfigError(
                f"transformers cannot build {target.model} from this config: {failure.reason}"
            ) from None
        candidates = _candidates(target, fixed)
        say(f"probing {len(candidates)} fields the model reads")
        steps = _probe(target, fixed, candidates, timeout, whole.parts(()))
        fields = tuple(steps)
        values = tuple(candidates[f] for f in fields)
        builder = Builder(
            target,
            fields,
            {k: v for k, v in fixed.items() if k not in fields},
            {},
            timeout=timeout,
        )
        fitted = _fit(builder, fields, values, steps, say)
    variables, held = fitted.variables, fitted.held
    point = tuple(candidates[v] for v in variables)
    if fitted.polynomial is None:  # no field the count follows as a polynomial: the count alone
        polynomial = RationalPolynomial.from_terms((), {(): Fraction(truth)})
        info = whole.info
        tensors = tuple(
            DerivedTensor(
                n,
                info[n].kind,
                info[n].block,
                info[n].experts,
                RationalPolynomial.from_terms((), {(): Fraction(c)}),
            )
            for n, c in whole.parts(()).items()
        )
    elif fitted.groups is not None:  # fitted from the shapes, each group verified
        polynomial = fitted.polynomial
        info = builder.info
        tensors = tuple(
            DerivedTensor(n, info[n].kind, info[n].block, info[n].experts, p)
            for n, p in fitted.groups.items()
        )
    else:
        assert fitted.fit is not None
        polynomial = fitted.polynomial
        tensors = per_tensor(fitted.view, fitted.fit, variables, held, polynomial)  # type: ignore[arg-type]
    exact = polynomial.evaluate(point)
    if exact != truth:  # never returned unless the build at the file's values agrees
        raise ConfigError(
            f"the formula derived for {target.model} gives {exact} at the file's values where "
            f"the build counts {truth:,}: refused"
        )
    domain = {v: _range(v, candidates[v], steps[v]) for v in variables}
    fixed_fields = {k: v for k, v in fixed.items() if k not in variables}
    return Derived(
        target=f"transformers.{target.config_class.__name__}",
        model=target.model,
        variables=variables,
        domain=domain,
        fixed=_scalars(fixed_fields),
        ties={},
        counted="parameters",
        formula_text=polynomial.readable(),
        polynomial=polynomial,
        builds=whole.builds + builder.builds + _probe_builds[0],
        fit_builds=fitted.fit_builds,
        verified_points=len(held),
        versions={
            n: version
            for n in ("torch", "transformers")
            if (version := installed_version(n)) is not None
        },
        title=f"{data['model_type']} config -> {target.model}",
        tensors=tensors,
        routing=_routing(tensors, variables, candidates),
        notes=tuple(fitted.notes),
        at=dict(zip(variables, point)),
    )


def _scalars(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fixed fields as a saved file holds them (JSON values)."""
    return {k: v for k, v in fields.items() if k.isidentifier() or NESTED in k}


def _target(data: Mapping[str, Any], model: str | None) -> Any:
    import transformers

    from explorer.derivation._target import _hf_target

    model_type = data["model_type"]
    try:
        config_class = transformers.CONFIG_MAPPING[model_type]
    except KeyError:
        raise ConfigError(
            f"transformers {transformers.__version__} knows no model_type {model_type!r}"
        ) from None
    if model is None:
        model = _named_class(data, transformers) or _base_model(model_type)
    from explorer.derivation._errors import TargetError

    try:
        return _hf_target(f"transformers.{config_class.__name__}", config_class, model)
    except TargetError as error:
        raise ConfigError(str(error)) from None


def _named_class(data: Mapping[str, Any], transformers: Any) -> str | None:
    """The class the config's ``architectures`` names (None where it names none).

    Raises:
        ConfigError: it names something that is not a transformers class.
    """
    architectures = data.get("architectures")
    if architectures is None or architectures == []:
        return None
    first = architectures[0] if isinstance(architectures, list) else architectures
    if not (isinstance(first, str) and first.isidentifier() and hasattr(transformers, first)):
        raise ConfigError(
            f"architectures names {str(first)[:60]!r}, not a transformers model class: "
            "give --model CLASS, or fix the file"
        )
    return first


def _base_model(model_type: str) -> str | None:
    """The base model of a config without ``architectures``, as a family counts it."""
    from transformers.models.auto import modeling_auto

    name = modeling_auto.MODEL_MAPPING_NAMES.get(model_type)
    return name if isinstance(name, str) else None


def _candidates(target: Any, fixed: Mapping[str, Any]) -> dict[str, int]:
    """The integer fields the build at the file's values read (nested ones as
    ``text_config__hidden_size``), with their values, token ids and such left out."""
    import transformers

    config = target.config_class(**_nested(fixed))
    found: dict[str, int] = {}
    for prefix, names in sorted(target.reads.items()):
        owner = config
        for part in prefix.strip(".").split(".") if prefix else ():
            owner = getattr(owner, part)
        if not isinstance(owner, transformers.PreTrainedConfig):
            continue
        for name in sorted(names):
            if any(word in name for word in _NOT_SIZES):
                continue
            try:
                value = getattr(owner, name)
            except Exception:
                continue
            if type(value) is int and value >= 1:
                found[prefix.replace(".", NESTED) + name] = value
    return found


def _nested(fixed: Mapping[str, Any]) -> dict[str, Any]:
    return nest(fixed)


#: Builds made while probing (a one-element list: filled by _probe, read by _derive).
_probe_builds = [0]


def _probe(
    target: Any,
    fixed: Mapping[str, Any],
    candidates: Mapping[str, int],
    timeout: float | None,
    anchor: Mapping[str, int],
) -> dict[str, int]:
    """The fields that change the count, each with a step that keeps the config
    buildable two steps up (1, the largest power of two dividing the value, the value)."""
    from explorer.derivation._build import Builder, BuildFailure

    steps: dict[str, int] = {}
    _probe_builds[0] = 0
    shallow = dict(fixed)
    for name, value in candidates.items():
        if _is_depth(name):
            shallow = nest({**shallow, name.replace(NESTED, "."): _start(name, value)})
    base = Builder(target, (), shallow, {}, timeout=timeout)
    try:
        reduced = base.parts(())
    except BuildFailure:
        shallow, reduced = dict(fixed), dict(anchor)
    _probe_builds[0] += base.builds
    for name, value in candidates.items():
        depth = _is_depth(name)
        others = {k: v for k, v in (fixed if depth else shallow).items() if k != name}
        builder = Builder(target, (name,), others, {}, timeout=timeout)
        power = value & -value
        for step in dict.fromkeys((1, power, value)):
            try:
                if builder.parts((value + step,)) == (anchor if depth else reduced):
                    break  # the count does not follow it: no field (and no second build)
                builder.parts((value + 2 * step,))
            except BuildFailure:
                continue
            steps[name] = step
            break
        _probe_builds[0] += builder.builds
    return steps


class _Fitted(NamedTuple):
    """What the fit found: the fields fitted over, the polynomial (None when no field is
    left), each group's polynomial where the shapes gave them (else None: refitted from
    ``fit``), the Newton fit of the total (None where the shapes sufficed), the held-out
    points, the builder seen through the fields, what was fixed and why, and the builds
    the fit used."""

    variables: tuple[str, ...]
    polynomial: RationalPolynomial | None
    groups: dict[str, RationalPolynomial] | None
    fit: Fit | None
    held: list[tuple[int, ...]]
    view: _View
    notes: list[str]
    fit_builds: int


def _fit(
    builder: Builder,
    fields: tuple[str, ...],
    values: tuple[int, ...],
    steps: Mapping[str, int],
    say: Callable[[str], None],
) -> _Fitted:
    """Fit over the fields, anchored at the file's values: from the tensors' shapes
    (:mod:`explorer.derivation._shapes`: fewest builds), else the count of each group as
    one polynomial; verified at held-out builds either way. A field along which the count
    is no polynomial (or that fails to build on its lattice) is fixed at its value and the
    fit made again without it."""
    from explorer.derivation._build import BuildFailure
    from explorer.derivation._newton import DegreeCapError, fit_polynomial
    from explorer.derivation._verify import verify

    free = list(fields)
    notes: list[str] = []
    rng = random.Random(0)
    while True:
        index = [fields.index(f) for f in free]
        view = _View(builder, index, values)
        if not index:
            return _Fitted((), None, None, None, [], view, notes, 1)
        ranges = [_range(fields[i], values[i], steps[fields[i]]) for i in index]
        anchor = tuple(r.index(_start(f, values[fields.index(f)])) for f, r in zip(free, ranges))
        variables = tuple(free)
        shaped = _fit_shapes(view, ranges, anchor, variables, rng)
        if shaped is not None:
            groups, held, used = shaped
            say(f"fitted over {len(index)} fields from {used} builds (by shapes)")
            total = _sum(variables, groups.values())
            return _Fitted(variables, total, groups, None, held, view, notes, used)
        culprit: str | None = None
        try:
            fit = fit_polynomial(view.count, ranges, anchor, max_degree=_MAX_DEGREE)
            points = _held_out(ranges, anchor, rng, set(fit.points))
            polynomial = fit.polynomial(variables)
            mismatches = verify(view.count, polynomial, points)
        except DegreeCapError as capped:
            culprit = free[capped.index]
        except BuildFailure as failure:
            culprit = next(
                (
                    f
                    for f in free
                    if failure.point.get(f, values[fields.index(f)]) != values[fields.index(f)]
                ),
                free[-1],
            )
        else:
            if not mismatches:
                used = len(set(fit.points))
                say(f"fitted over {len(index)} fields from {used} builds")
                held = [p for p in points if p not in set(fit.points)]
                return _Fitted(variables, polynomial, None, fit, held, view, notes, used)
            found = _culprit(view.count, polynomial, ranges)
            culprit = free[found] if found is not None else free[-1]
        notes.append(
            f"{_shown(culprit)} is fixed at {values[fields.index(culprit)]}: the count is no "
            "polynomial along it (or builds fail on its lattice)"
        )
        free.remove(culprit)


def _fit_shapes(
    view: _View,
    ranges: list[Range],
    anchor: tuple[int, ...],
    variables: tuple[str, ...],
    rng: random.Random,
) -> tuple[dict[str, RationalPolynomial], list[tuple[int, ...]], int] | None:
    """Each group's polynomial from its shapes, verified (every group) at held-out
    builds: the groups, the held-out points and the builds the fit used; None where the
    shapes give no answer that holds (the caller fits the counts)."""
    from explorer.derivation._build import BuildFailure
    from explorer.derivation._shapes import fit_by_shapes

    try:
        found = fit_by_shapes(view.shapes, ranges, anchor, variables, max_degree=_MAX_DEGREE)
        if found is None:
            return None
        points = _held_out(ranges, anchor, rng, set(found.points))
        for point in points:
            parts = view.parts(point)
            if set(parts) != set(found.polynomials) or any(
                p.evaluate(point) != parts[g] for g, p in found.polynomials.items()
            ):
                return None
    except BuildFailure:
        return None  # the count's fit finds the field at fault
    return found.polynomials, points, len(found.points)


def _sum(
    variables: tuple[str, ...], polynomials: Iterable[RationalPolynomial]
) -> RationalPolynomial:
    total = RationalPolynomial.from_terms(variables, {})
    for polynomial in polynomials:
        total = total.plus(polynomial)
    return total


def _is_depth(name: str) -> bool:
    """A count of layers: the fit starts it at 2 (builds of 2 layers take a tenth of the
    time of 48), the build at the file's own value checks the result."""
    last = name.rsplit(NESTED, 1)[-1]
    return "layers" in last or last in ("n_layer", "num_layers", "depth")


def _start(name: str, value: int) -> int:
    """Where the fit starts along a field: the file's value, or 2 layers."""
    return min(value, 2) if _is_depth(name) else value


def _range(name: str, value: int, step: int) -> Range:
    """The lattice a field is fitted and verified on: from the file's value up by its
    step (a count of layers from 1)."""
    low = 1 if _is_depth(name) and step == 1 else value
    return Range(low, value + _SPAN * step, step)


def _held_out(
    ranges: list[Range], anchor: tuple[int, ...], rng: random.Random, used: set[tuple[int, ...]]
) -> list[tuple[int, ...]]:
    """Each field at both ends of its lattice (the others where the fit started), every
    field at its top, and a few random points; those the fit used left out."""
    start = [r.value(k) for r, k in zip(ranges, anchor)]
    wanted = [tuple(r.hi for r in ranges)]
    for i, r in enumerate(ranges):
        for end in (r.lo, r.hi):
            point = list(start)
            point[i] = end
            wanted.append(tuple(point))
    for _ in range(_CHECKS):
        wanted.append(tuple(r.value(rng.randrange(r.size)) for r in ranges))
    return [p for p in dict.fromkeys(wanted) if p not in used]


def _culprit(
    count: Callable[[tuple[int, ...]], int], polynomial: Any, ranges: list[Range]
) -> int | None:
    """The first field along which (the others at the file's values) the polynomial and
    the builds part."""
    from explorer.derivation._build import BuildFailure

    for i in range(len(ranges)):
        for k in (ranges[i].size - 1, ranges[i].size // 2 + 1):
            point = tuple(r.value(k) if j == i else r.lo for j, r in enumerate(ranges))
            try:
                if count(point) != polynomial.evaluate(point):
                    return i
            except BuildFailure:
                return i
    return None


class _View:
    """A builder seen through the fields still free (the others at the file's values)."""

    def __init__(self, builder: Builder, index: list[int], values: tuple[int, ...]) -> None:
        self.builder, self.index, self.values = builder, index, values
        self.info = builder.info
        self.builds = 0

    def _full(self, point: tuple[int, ...]) -> tuple[int, ...]:
        full = list(self.values)
        for i, x in zip(self.index, point):
            full[i] = x
        return tuple(full)

    def count(self, point: tuple[int, ...]) -> int:
        return self.builder.count(self._full(point))

    def parts(self, point: tuple[int, ...]) -> dict[str, int]:
        return self.builder.parts(self._full(point))

    def shapes(self, point: tuple[int, ...]) -> dict[str, Shape | None]:
        return self.builder.shapes(self._full(point))


def _routing(
    tensors: tuple[Any, ...], variables: tuple[str, ...], values: Mapping[str, int]
) -> tuple[str | int, str | int] | None:
    if not any(t.experts for t in tensors):
        return None

    def find(names: tuple[str, ...]) -> str | int | None:
        for name in names:
            for key, value in values.items():
                if key.rsplit(NESTED, 1)[-1] == name:
                    return key if key in variables else value
        return None

    experts, chosen = find(_EXPERTS), find(_TOP_K)
    if experts is None or chosen is None:
        return None
    return experts, chosen


def _shown(name: str) -> str:
    return name.replace(NESTED, ".")


def _count(derived: Derived, route: str, seq: int | None, batch: int | None) -> Count:
    from explorer.algebra import count_of
    from explorer.conventions import CONVENTIONS, TORCH
    from explorer.derivation._family import DerivedFamily
    from explorer.sizes import positive_int

    family = DerivedFamily(derived, f"derived:{derived.title.split(' ', 1)[0]}")
    structure, values = family.parse(
        {v: derived.at.get(v, derived.domain[v].lo) for v in derived.variables},
        CONVENTIONS["as-built"],
        explicit={},
        symbolic=False,
    )
    bound = tuple(values[s.keyword] for s in family.slots(structure))
    counted = count_of(family, structure, CONVENTIONS["as-built"], bound)
    notes = (route, *derived.notes)
    if derived.compute is not None:
        notes += (f"FLOPs derived by {_HOW}, verified at {derived.compute.verified_points} "
                  "held-out passes", *derived.compute.notes)  # fmt: skip
    counted = dataclasses.replace(counted, notes=notes)
    if seq is None:
        return counted
    length = positive_int("seq", seq)
    extents = {
        "seq": length,
        "batch": 1 if batch is None else positive_int("batch", batch),
        "decoder_seq": length,
    }
    return dataclasses.replace(
        counted, extents=tuple(sorted(extents.items())), compute_convention=TORCH
    )
