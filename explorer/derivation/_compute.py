"""The FLOPs of one forward pass, derived: ``FlopCounterMode`` on the meta device.

A Hugging Face model is built at points of the domain with eager attention
(``attn_implementation="eager"``: the scores and weighted values are matrix products the
counter sees) and its experts run by ``batched_mm`` (each token through its ``k`` routed
experts), and run once on ``input_ids`` of shape ``(batch, seq)`` (an encoder-decoder's
``decoder_input_ids`` of ``(batch, decoder_seq)`` too) under
``torch.utils.flop_counter.FlopCounterMode``, on meta tensors: nothing is allocated, so a
long sequence costs no memory. The FLOPs are fitted as a polynomial in the varied sizes and
``seq`` (at ``batch`` 1), and multiplied by ``batch``; the result is verified at held-out
forward passes, each variable's ends and several batches included. Each module's own
products (the layer index abstracted: ``model.layers.{i}.mlp.up_proj``) are fitted from the
same passes, so a derived compute has the framework's names and a per-block breakdown.

Models that read more than token ids (images, audio) are refused: a pass on token ids alone
would leave their towers out.

Example:
    >>> import pytest; _ = pytest.importorskip("transformers")
    >>> from explorer.derivation._target import resolve
    >>> target = resolve("transformers.GPT2Config", None)
    >>> runner = Runner(target, ("n_embd",), {"n_layer": 1, "n_head": 2, "vocab_size": 100,
    ...                 "n_positions": 64, "bos_token_id": 0, "eos_token_id": 0}, {})
    >>> runner.flops((32, 8, 1))  # 2 x MACs: qkv 8*32*96, scores and values 2*2*8*8*16,
    256000
    >>> # out 8*32*32, MLP 2*8*32*128, LM head 8*32*100
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.derivation._build import Builder, BuildFailure
from explorer.derivation._derived import Derived
from explorer.derivation._domain import BATCH, DECODER_SEQ, EXTENTS, SEQ, Range
from explorer.derivation._errors import TargetError
from explorer.derivation._newton import DegreeCapError, Fit, fit_polynomial, refit
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._target import BUILD_TIMEOUT, NESTED, Target, fenced
from explorer.derivation._tensors import DerivedTensor, abstract, classify
from explorer.derivation._verify import held_out_points, log_uniform_index, verify
from explorer.errors import ConflictError

if TYPE_CHECKING:
    from explorer.expressions import Expression

__all__ = [
    "BATCH",
    "DECODER_SEQ",
    "EXTENTS",
    "SEQ",
    "Compute",
    "Runner",
    "compute_formula",
    "compute_ranges",
    "fit_compute",
    "refuse_other_inputs",
]

#: Config fields that bound the sequence length a model takes.
_POSITIONS = (
    "max_position_embeddings",
    "n_positions",
    "n_ctx",
    "max_seq_len",
    "seq_length",
    "max_sequence_length",
)
#: The longest sequence verified where the config bounds none (rotary positions).
LONGEST = 2**17
#: The largest batch verified.
LARGEST_BATCH = 2**16
#: Where the fit starts along ``seq``: above the short lengths some models treat apart.
_SEQ_ANCHOR = 8
#: Sub-configs that mean the model reads more than token ids.
_OTHER_INPUTS = ("vision", "audio", "speech", "image", "video")


class Runner:
    """Builds a Hugging Face model at points (sizes, then ``seq``, [``decoder_seq``],
    ``batch``) and counts one forward pass's FLOPs, memoised.

    Args:
        target: a config target (``transformers.LlamaConfig -> LlamaForCausalLM``).
        variables: the varied config fields, in the order of a point's first values.
        fixed, ties: as for :class:`~explorer.derivation._build.Builder`.
    """

    def __init__(
        self,
        target: Target,
        variables: Sequence[str],
        fixed: Mapping[str, Any],
        ties: Mapping[str, Expression],
        *,
        timeout: float | None = BUILD_TIMEOUT,
    ) -> None:
        if target.config_class is None:
            raise ConflictError(
                f"FLOPs are derived for Hugging Face models only: {target.title} takes inputs "
                "whose shapes derive cannot know"
            )
        options = {"attn_implementation": "eager", "experts_implementation": "batched_mm"}
        self.builder = Builder(target, variables, {**fixed, **options}, ties, timeout=timeout)
        self.target = target
        self.sizes = len(tuple(variables))
        from explorer.derivation._target import nest

        config = target.config_class(**nest(dict(fixed)))
        self.decoder = bool(getattr(config, "is_encoder_decoder", False))
        self.extents = (SEQ, DECODER_SEQ, BATCH) if self.decoder else (SEQ, BATCH)
        self.passes = 0
        self._memo: dict[tuple[int, ...], dict[str, int] | BuildFailure] = {}

    @property
    def variables(self) -> tuple[str, ...]:
        """The sizes, then the pass's extents."""
        return (*self.builder.variables, *self.extents)

    def flops(self, point: Sequence[int]) -> int:
        """The FLOPs of the pass at ``point``.

        Raises:
            BuildFailure: the model could not be built or run there.
        """
        return sum(self.parts(point).values())

    def parts(self, point: Sequence[int]) -> dict[str, int]:
        """Each module's own FLOPs (its products less its children's), by abstracted name."""
        key = tuple(int(v) for v in point)
        found = self._memo.get(key)
        if found is None:
            found = self._run(key)
            self._memo[key] = found
        if isinstance(found, BuildFailure):
            raise found
        return found

    def _run(self, key: tuple[int, ...]) -> dict[str, int] | BuildFailure:
        import warnings

        import torch
        from torch.utils.flop_counter import FlopCounterMode

        from explorer.derivation._build import _no_init

        sizes, extents = key[: self.sizes], dict(zip(self.extents, key[self.sizes :]))
        arguments = self.builder.arguments(sizes)
        where = dict(zip(self.variables, key))
        self.passes += 1
        try:
            with (
                fenced(self.target.title, self.builder.timeout),
                torch.device("meta"),
                warnings.catch_warnings(),
                _no_init(),
            ):
                warnings.simplefilter("ignore")
                model = self.target.build(arguments)
                model.requires_grad_(False)
                model.eval()
                inputs = {"input_ids": _ids(torch, extents[BATCH], extents[SEQ])}
                if self.decoder:
                    inputs["decoder_input_ids"] = _ids(torch, extents[BATCH], extents[DECODER_SEQ])
                with FlopCounterMode(display=False) as counter, torch.no_grad():
                    model(**inputs)
        except TargetError:
            raise
        except Exception as error:
            return BuildFailure(where, error)
        return _own(counter.get_flop_counts(), int(counter.get_total_flops()))


def _ids(torch: Any, batch: int, length: int) -> Any:
    return torch.zeros(batch, length, dtype=torch.long, device="meta")


def _own(counts: Mapping[str, Mapping[Any, int]], total: int) -> dict[str, int]:
    """Each module's own FLOPs (its total less those of the modules inside it), grouped by
    the module's name with the class prefix dropped and the layer index abstracted."""
    totals = {n: sum(ops.values()) for n, ops in counts.items() if n != "Global"}
    own = dict(totals)
    for name, value in totals.items():
        parent = _parent(name, totals)
        if parent is not None:
            own[parent] -= value
    outside = total - sum(v for n, v in totals.items() if _parent(n, totals) is None)
    groups: dict[str, int] = {"(outside any module)": outside} if outside else {}
    for name, value in own.items():
        if value:
            shown = name.split(".", 1)[1] if "." in name else name
            group = abstract(shown + ".")[:-1]
            groups[group] = groups.get(group, 0) + value
    return groups


def _parent(name: str, present: Mapping[str, int]) -> str | None:
    """The nearest enclosing module that ran products (a ModuleList never runs)."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in present:
            return candidate
    return None


def refuse_other_inputs(target: Target, fixed: Mapping[str, Any]) -> None:
    """A model that reads images or audio is refused: its pass on token ids alone would
    leave its towers out.

    Raises:
        ConflictError: naming the sub-config.
    """
    assert target.config_class is not None
    from explorer.derivation._target import nest

    config = target.config_class(**nest(dict(fixed)))
    for name in getattr(config, "sub_configs", {}) or {}:
        if any(word in name for word in _OTHER_INPUTS):
            raise ConflictError(
                f"FLOPs of {target.model or target.title} are not derived: it reads more than "
                f"token ids ({name}), and a pass on token ids alone would leave that tower "
                "out; its parameter count is exact"
            )


def compute_ranges(
    target: Target,
    variables: Sequence[str],
    domain: Mapping[str, Range],
    fixed: Mapping[str, Any],
    decoder: bool,
) -> dict[str, Range]:
    """The lattices of the pass's extents: ``seq`` from 1 to the longest the config
    allows at every point of the domain (its position table's size, the smallest
    value a varied one takes), else :data:`LONGEST`; ``batch`` from 1 to
    :data:`LARGEST_BATCH`."""
    assert target.config_class is not None
    from explorer.derivation._target import nest

    clash = [n for n in variables if n in EXTENTS]
    if clash:
        raise ConflictError(
            f"{clash[0]} is both a size of the model and of its forward pass: FLOPs are "
            "not derived for it"
        )
    config = target.config_class(**nest(dict(fixed)))
    bounds = []
    for name in _POSITIONS:
        if name in domain:
            bounds.append(domain[name].lo)
        else:
            value = getattr(config, name, None)
            if type(value) is int and value >= 1:
                bounds.append(value)
    longest = min(bounds) if bounds else LONGEST
    if longest < 2:
        raise ConflictError("the config allows sequences of 1 token only: FLOPs are not derived")
    ranges = {SEQ: Range(1, longest)}
    if decoder:
        ranges[DECODER_SEQ] = Range(1, longest)
    ranges[BATCH] = Range(1, LARGEST_BATCH)
    return ranges


def fit_compute(
    runner: Runner,
    ranges: Sequence[Range],
    anchor: Sequence[int],
    *,
    asked: Sequence[tuple[int, ...]] = (),
    max_degree: int,
    checks: int,
    rng: random.Random,
    say: Callable[[str], None] = lambda _line: None,
    light: bool = False,
) -> Compute:
    """Fit the FLOPs over the sizes and extents (``ranges`` in :attr:`Runner.variables`
    order; ``anchor`` the sizes' lattice indices), at batch 1, times the batch; verify at
    held-out passes and at the ``asked`` points (``light``: each variable's ends, the
    top corner, the first lengths and ``checks`` random points, as the config route
    verifies its counts; else as ``derive`` does, each variable's first values too). A
    size along which the pass fails on the meta device (a head size the model's own
    shapes do not follow) is kept at its anchor's value, and the result says so.

    Raises:
        ConflictError: the FLOPs are no polynomial on the domain, a pass fails along an
            extent, or a held-out pass disagrees (the message says which).
    """
    variables = runner.variables
    title = runner.target.model or runner.target.title
    lattices = list(ranges)
    sizes = runner.sizes
    start = [
        *anchor,
        *(r.index(min(_SEQ_ANCHOR, r.hi)) for r in lattices[sizes:-1]),
        0,
    ]
    held: list[str] = []
    reason = ""
    say(f"running {title}'s forward pass under FlopCounterMode on the meta device")
    while True:
        origin = tuple(r.value(k) for r, k in zip(lattices, start))
        try:
            polynomial, fit, points = _fit_once(
                runner,
                lattices,
                start,
                asked=asked,
                max_degree=max_degree,
                checks=checks,
                rng=rng,
                light=light,
            )
        except BuildFailure as failure:
            culprit = _culprit(runner, origin, failure)
            if culprit is None:
                raise ConflictError(
                    f"FLOPs of {title} are not derived: {_failed(failure)}"
                ) from None
            value = origin[culprit]
            lattices[culprit], start[culprit] = Range(value, value), 0
            asked = [p for p in asked if p[culprit] == value]
            held.append(f"{variables[culprit].replace(NESTED, '.')}={value}")
            reason = reason or failure.reason
            continue
        break
    notes = (
        (
            f"FLOPs hold at {', '.join(held)} only: the forward pass fails on the meta "
            f"device elsewhere on {'their lattices' if len(held) > 1 else 'its lattice'} "
            f"({reason[:200]})",
        )
        if held
        else ()
    )
    say(f"FLOPs fitted from {len(set(fit.points))} passes, verified at {len(points)} more")
    tensors = _per_module(runner, fit, variables, points, polynomial)
    return Compute(polynomial, tensors, tuple(lattices), len(set(fit.points)), len(points), notes)


class Compute(NamedTuple):
    """A derived compute: the FLOPs polynomial, its per-module parts (empty when they do
    not fit apart), the lattices it holds on, the passes the fit used, the held-out
    passes verified, and what it says of itself."""

    polynomial: RationalPolynomial
    tensors: tuple[DerivedTensor, ...]
    domain: tuple[Range, ...]
    fit_passes: int
    verified: int
    notes: tuple[str, ...]


def _fit_once(
    runner: Runner,
    lattices: list[Range],
    start: list[int],
    *,
    asked: Sequence[tuple[int, ...]],
    max_degree: int,
    checks: int,
    rng: random.Random,
    light: bool,
) -> tuple[RationalPolynomial, Fit, list[tuple[int, ...]]]:
    variables = runner.variables
    title = runner.target.model or runner.target.title

    def at_one(point: tuple[int, ...]) -> int:
        return runner.flops((*point, 1))

    try:
        fit = fit_polynomial(at_one, lattices[:-1], start[:-1], max_degree=max_degree)
    except DegreeCapError as capped:
        raise ConflictError(
            f"the FLOPs of {title} are no polynomial of degree <= {max_degree} in "
            f"{variables[capped.index].replace(NESTED, '.')}: not derived"
        ) from None
    polynomial = _times_batch(fit.polynomial(variables[:-1]), variables)
    used = {(*p, 1) for p in fit.points}
    if light:
        held = _ends_and_corner(lattices, start, rng, checks, variables.index(SEQ))
    else:
        held = held_out_points(lattices, rng, used, checks)
    points = [*asked, *held]
    points = [p for p in dict.fromkeys(points) if p not in used]
    mismatches = verify(runner.flops, polynomial, points)
    if mismatches:
        point, built, predicted = mismatches[0]
        at = ", ".join(f"{v}={x}".replace(NESTED, ".") for v, x in zip(variables, point))
        raise ConflictError(
            f"the FLOPs of {title} are no polynomial on the domain: at {at} the pass counts "
            f"{built:,}, the fit {predicted}; not derived"
        )
    return polynomial, fit, points


def _ends_and_corner(
    lattices: Sequence[Range], start: Sequence[int], rng: random.Random, extra: int, at_seq: int
) -> list[tuple[int, ...]]:
    """Each variable at both ends (the others where the fit started), every variable at
    its top, ``seq``'s first lengths, and ``extra`` random points (log-uniform: few
    deep builds)."""
    origin = [r.value(k) for r, k in zip(lattices, start)]
    wanted = [tuple(r.hi for r in lattices)]
    for i, r in enumerate(lattices):
        for value in (r.lo, r.hi):
            point = list(origin)
            point[i] = value
            wanted.append(tuple(point))
    for length in range(1, 5):
        point = list(origin)
        point[at_seq] = length
        wanted.append(tuple(point))
    for _ in range(extra):
        wanted.append(tuple(r.value(log_uniform_index(r.size, rng)) for r in lattices))
    return wanted


def _culprit(runner: Runner, origin: tuple[int, ...], failure: BuildFailure) -> int | None:
    """The size (not an extent) whose value alone, moved from ``origin`` to the failing
    point's, makes the pass fail; None if none does alone."""
    failing = [failure.point.get(v, x) for v, x in zip(runner.variables, origin)]
    for i in range(runner.sizes):
        if failing[i] == origin[i]:
            continue
        point = list(origin)
        point[i] = failing[i]
        try:
            runner.flops(tuple(point))
        except BuildFailure:
            return i
    return None


def compute_formula(runner: Runner, found: Compute, parent: Derived) -> Derived:
    """The derived compute as a formula beside ``parent`` (the parameter count it
    belongs to: same target, fixed arguments and versions)."""
    return Derived(
        target=parent.target,
        model=parent.model,
        variables=runner.variables,
        domain=dict(zip(runner.variables, found.domain)),
        fixed=parent.fixed,
        ties=parent.ties,
        counted="flops",
        formula_text=found.polynomial.readable(),
        polynomial=found.polynomial,
        builds=runner.passes,
        fit_builds=found.fit_passes,
        verified_points=found.verified,
        versions=parent.versions,
        title=parent.title,
        tensors=found.tensors,
        notes=found.notes,
    )


def _failed(failure: BuildFailure) -> str:
    where = ", ".join(f"{k}={v}".replace(NESTED, ".") for k, v in failure.point.items())
    return f"the forward pass fails on the meta device at {where}: {failure.reason}"


def _times_batch(polynomial: RationalPolynomial, variables: tuple[str, ...]) -> RationalPolynomial:
    """``batch x polynomial``, over the variables with ``batch`` last."""
    return RationalPolynomial.from_terms(variables, {(*e, 1): c for e, c in polynomial.terms})


def _per_module(
    runner: Runner,
    fit: Fit,
    variables: tuple[str, ...],
    held: list[tuple[int, ...]],
    total: RationalPolynomial,
) -> tuple[DerivedTensor, ...]:
    """Each module's own FLOPs refitted from the passes the total's fit made (no new
    pass), verified at the held-out points; empty when a group does not follow its
    polynomial there (the compute is then the total's only)."""
    names: list[str] = []
    for point in (*((*p, 1) for p in fit.points), *held):
        names += [n for n in runner.parts(point) if n not in names]
    inner = variables[:-1]
    found = []
    summed = RationalPolynomial.from_terms(variables, {})
    for name in names:

        def value(point: tuple[int, ...], name: str = name) -> int:
            return runner.parts((*point, 1)).get(name, 0)

        polynomial = _times_batch(refit(fit, value).polynomial(inner), variables)
        if any(polynomial.evaluate(p) != runner.parts(p).get(name, 0) for p in held):
            return ()
        block = classify(f"{name}.weight", "").block
        found.append(DerivedTensor(name, "matmul", block, False, polynomial))
        summed = summed.plus(polynomial)
    return tuple(found) if summed == total else ()
