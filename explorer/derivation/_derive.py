"""``derive``: from a class to its exact closed-form count, or a refusal that says why.

Example:
    >>> import pytest; _ = pytest.importorskip("torch")
    >>> d = derive("torch.nn.Linear", vary="in_features=1:256,out_features=1:256", cache=False)
    >>> d.formula_text, d.count(in_features=3, out_features=4)
    ('out_features*(in_features + 1)', 16)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from explorer.derivation import _cache
from explorer.derivation._derived import Derived, What
from explorer.derivation._domain import Scalar, check_name, parse_ties, parse_vary
from explorer.derivation._target import BUILD_TIMEOUT, identity
from explorer.errors import ConflictError, UsageError

__all__ = ["MAX_DEGREE", "derive"]

#: The largest degree probed in any one variable.
MAX_DEGREE = 6
#: Random held-out points, on top of each range's two ends and the two corners.
CHECKS = 16


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
    build_timeout: float | None = BUILD_TIMEOUT,
    flops: bool = False,
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
            :func:`explorer.derivation.parse_vary`).
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
        build_timeout: seconds one build may take (``None``: no limit); the target's
            module is imported and its constructor run, behind a fence: its prints go to
            stderr, ``sys.exit`` and a build past the limit are :class:`TargetError`.
        flops: derive the FLOPs of one forward pass too, over the variables, ``seq``
            and ``batch`` (Hugging Face models: FlopCounterMode on the meta device, eager
            attention): the result's ``compute``, so that its family answers ``seq``.

    Raises:
        NoPolynomialError: no polynomial fits the domain; the message says what to try.
        TargetError, MissingLibraryError: the target cannot be loaded or built.
        UsageError: bad names, ranges or values.
        ConflictError: ``flops`` for a target whose FLOPs cannot be derived (the message
            says why).
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
    if build_timeout is not None and not 0 < build_timeout <= 86_400:
        raise UsageError(
            f"build_timeout must be between 0 and 86400 seconds (or None), got {build_timeout}"
        )
    _no_overlap(variables, settings, tie_texts)
    _check_ties(tie_texts, variables)

    who = identity(target, model)
    request = {
        "fixed": settings,
        "ties": tie_texts,
        "domain": {v: r.to_json() for v, r in ranges.items()},
        "what": what,
        "max_degree": max_degree,
        "checks": checks,
        "seed": seed,
        **({"flops": True} if flops else {}),
    }
    key = _cache.cache_key(who, request)
    if cache:
        hit = _cached(key)
        if hit is not None:
            say("found in the cache")
            return hit

    import sys

    from explorer.derivation._fit import derive_fresh

    before = set(sys.modules)
    derived = derive_fresh(
        target,
        model,
        ranges,
        settings,
        tie_texts,
        what=what,
        max_degree=max_degree,
        checks=checks,
        seed=seed if seed is not None else int(hashlib.sha256(key.encode()).hexdigest()[:12], 16),
        say=say,
        timeout=build_timeout,
        flops=flops,
    )
    if cache:
        from explorer.derivation._target import local_modules

        roots = [m for m in sys.modules if m not in before]
        if derived.module:
            roots.append(derived.module)
        _cache.store(key, derived.to_json(), local_modules(roots))
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


def _settings(fixed: Mapping[str, Scalar] | None) -> dict[str, Scalar]:
    settings: dict[str, Scalar] = {}
    for name, value in (fixed or {}).items():
        check_name(name, "--set name")
        if value is not None and not isinstance(value, bool | int | float | str | dict | list):
            raise UsageError(
                f"--set {name}: a value must be a number, true/false, none, text or JSON, "
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


def _check_ties(ties: Mapping[str, str], variables: tuple[str, ...]) -> None:
    """Each tie must be arithmetic over the variables (the safe parser says why not)."""
    from explorer.expressions import parse_expression

    for text in ties.values():
        parse_expression(text, variables)
