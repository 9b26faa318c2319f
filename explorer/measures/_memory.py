"""Memory as named, exact byte terms: weights in a format, training state, the KV cache,
and activations where a published formula is the stated convention.

The convention (:class:`MemoryConvention`) is data, each part a flag:

- weights: every parameter once (a tied matrix once, as ``model.parameters()``), in
  ``dtype``; 4-bit numbers packed two per byte along each tensor's last dimension, each
  row a whole number of bytes (``torch.quint4x2``'s storage);
- gradients: one per weight, in the weights' format, or in ``grad_dtype`` (fp32 gradients
  of bf16 weights: with an fp32 master copy and fp32 Adam moments, the 2 + 4 + 4 + 8 = 18
  bytes per parameter of mixed-precision Adam as often configured);
- a master copy: the weights again in fp32 (mixed-precision training keeps it for the
  update; Micikevicius et al. 2018);
- optimizer state: Adam's two moments (Kingma & Ba 2015), or SGD's momentum buffer, in
  fp32 beside a master copy and in the weights' format without one, as ``torch.optim``
  keeps them; Adam's ``step`` counters too, one fp32 scalar per parameter tensor
  (``step counters``, 4 bytes a tensor: they count per tensor, not per parameter). bf16
  weights and gradients, an fp32 master and fp32 Adam moments make the 2 + 2 + 12 = 16
  bytes per parameter of Rajbhandari et al. 2020 (ZeRO), section 3.1, and the counters;
- the KV cache: what a decoder's attention caches for ``seq`` tokens of ``batch``
  sequences (the family's ``kv`` measure), in ``kv_dtype``;
- activations: only by a published formula, named (Korthikanti et al. 2022).

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", seq=1024)
    >>> m = memory(c, memory_convention(dtype="bf16", training="adam"))
    >>> m.total - m.breakdown["step counters"] == 16 * c.total
    True
    >>> m.breakdown["weights"] == 2 * c.total, m.breakdown["step counters"]  # 148 tensors
    (True, 592)
    >>> m = memory(c, memory_convention(dtype="bf16", training="adam", grad_dtype="fp32"))
    >>> m.total - m.breakdown["step counters"] == 18 * c.total
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from explorer.errors import ConflictError, UnknownNameError, UsageError, typed
from explorer.measures._dtypes import Dtype, dtype

if TYPE_CHECKING:
    from explorer.algebra import Count

__all__ = [
    "ACTIVATION_FORMULAS",
    "OPTIMIZERS",
    "Memory",
    "MemoryConvention",
    "MemoryTerm",
    "Optimizer",
    "bytes_function",
    "memory",
    "memory_convention",
]

Optimizer = Literal["none", "sgd", "momentum", "adam"]
OPTIMIZERS: tuple[str, ...] = get_args(Optimizer)
#: Buffers the optimizer keeps per parameter.
_STATES = {"none": 0, "sgd": 0, "momentum": 1, "adam": 2}
#: Bytes of the scalar ``step`` an optimizer keeps per parameter tensor (torch.optim's Adam:
#: a float32 tensor of one element; SGD keeps none).
_STEP_BYTES = {"adam": 4}

#: The activation formulas a family may declare, and what each is.
ACTIVATION_FORMULAS = {
    "korthikanti2022": "Korthikanti et al. 2022, eq. (1): s b h (34 + 5 a s / h) bytes per "
    "layer, no recomputation",
    "korthikanti2022-selective": "Korthikanti et al. 2022: 34 s b h bytes per layer, "
    "attention scores recomputed (selective recomputation)",
    "korthikanti2022-full": "Korthikanti et al. 2022: 2 s b h bytes per layer, every layer "
    "recomputed from its input (full recomputation)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoryConvention:
    """What a memory figure counts (see the module's docstring).

    Example:
        >>> memory_convention(dtype="bf16", training="adam").name
        'bf16 weights, gradients, fp32 master copy, adam state (fp32)'
    """

    dtype: Dtype
    gradients: bool = False
    grad_dtype: Dtype | None = None
    optimizer: Optimizer = "none"
    master: bool = False
    kv_cache: bool = False
    kv_dtype: Dtype | None = None
    activations: str = ""

    @property
    def gradient_dtype(self) -> Dtype:
        """The gradients' format: given, else the weights'."""
        return self.grad_dtype if self.grad_dtype is not None else self.dtype

    @property
    def state_dtype(self) -> Dtype:
        """The optimizer state's format: fp32 beside a master copy, else the weights'."""
        return dtype("fp32") if self.master else self.dtype

    @property
    def cache_dtype(self) -> Dtype:
        """The KV cache's format: given, else the weights' (bf16 for integer weights)."""
        if self.kv_dtype is not None:
            return self.kv_dtype
        return self.dtype if self.dtype.floating else dtype("bf16")

    @property
    def name(self) -> str:
        """What it counts, in a line."""
        parts = [f"{self.dtype.name} weights"]
        if self.gradients:
            differs = self.gradient_dtype != self.dtype
            parts.append(f"{self.gradient_dtype.name} gradients" if differs else "gradients")
        if self.master:
            parts.append("fp32 master copy")
        if self.optimizer not in ("none", "sgd"):
            parts.append(f"{self.optimizer} state ({self.state_dtype.name})")
        if self.kv_cache:
            parts.append(f"KV cache ({self.cache_dtype.name})")
        if self.activations:
            parts.append(f"activations ({self.activations})")
        return ", ".join(parts)

    def flags(self) -> dict[str, object]:
        """The flags as plain data."""
        return {
            "dtype": self.dtype.name,
            "gradients": self.gradients,
            "grad_dtype": self.gradient_dtype.name if self.gradients else None,
            "optimizer": self.optimizer,
            "master": self.master,
            "kv_cache": self.kv_cache,
            "kv_dtype": self.cache_dtype.name if self.kv_cache else None,
            "activations": self.activations or None,
        }


def memory_convention(
    *,
    dtype: str | Dtype = "fp32",
    training: str | None = None,
    gradients: bool | None = None,
    grad_dtype: str | Dtype | None = None,
    master: bool | None = None,
    kv_cache: bool = False,
    kv_dtype: str | Dtype | None = None,
    activations: str | None = None,
) -> MemoryConvention:
    """A memory convention from its flags, validated.

    Args:
        dtype: the weights' format: fp32, bf16, fp16, int8, int4.
        training: ``none`` (or ``None``: inference, weights only), ``sgd``, ``momentum``
            or ``adam``: gradients and the optimizer's state.
        gradients: override: count gradients (default: when training).
        grad_dtype: the gradients' format (default: the weights'); ``fp32`` with bf16
            weights and Adam makes mixed precision's 18 bytes per parameter.
        master: override: an fp32 master copy (default: when training 16-bit weights).
        kv_cache: count the KV cache (needs the count's ``seq`` and ``batch``).
        kv_dtype: the cache's format (default: the weights', bf16 for integer weights).
        activations: a published formula: ``korthikanti2022``, ``korthikanti2022-selective``,
            ``korthikanti2022-full``.

    Example:
        >>> memory_convention(dtype="int8", training="adam")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.ConflictError: training keeps gradients ... use fp32, bf16 or fp16
    """
    from explorer.measures._dtypes import dtype as find

    weights = find(dtype)
    optimizer = "none" if training is None else str(training).lower()
    if optimizer not in OPTIMIZERS:
        raise UnknownNameError.for_name("optimizer", training, OPTIMIZERS)
    training_on = optimizer != "none"
    grads = training_on if gradients is None else bool(gradients)
    copy = (training_on and weights.bits < 32 and weights.floating) if master is None else master
    if (grads or copy or _STATES[optimizer]) and not weights.floating:
        raise ConflictError(
            "training keeps gradients and optimizer state in a floating-point format; "
            f"{weights.name} weights are for inference: use fp32, bf16 or fp16"
        )
    gradient_format = None if grad_dtype is None else find(grad_dtype)
    if gradient_format is not None:
        if not grads:
            raise ConflictError(
                f"{typed('grad_dtype', gradient_format.name)} is the gradients' format: give "
                f"{typed('training', placeholder='adam')} (or {typed('gradients', True)})"
            )
        if not gradient_format.floating:
            raise ConflictError(
                f"gradients are floating-point numbers; {gradient_format.name} is not: "
                "use fp32, bf16 or fp16"
            )
    if activations and activations not in ACTIVATION_FORMULAS:
        raise UnknownNameError.for_name("activation formula", activations, ACTIVATION_FORMULAS)
    return MemoryConvention(
        dtype=weights,
        gradients=grads,
        grad_dtype=gradient_format,
        optimizer=optimizer,  # type: ignore[arg-type]
        master=bool(copy),
        kv_cache=bool(kv_cache),
        kv_dtype=None if kv_dtype is None else find(kv_dtype),
        activations=activations or "",
    )


@dataclass(frozen=True, slots=True)
class MemoryTerm:
    """One named part of a memory figure, in bytes."""

    name: str
    bytes: int
    meaning: str


@dataclass(frozen=True, slots=True)
class Memory:
    """The bytes of a design under a memory convention, as named terms.

    Attributes:
        convention: what is counted.
        terms: the named parts, in order.
        kv_per_token: bytes the KV cache holds per token of one sequence (``None`` when
            the design caches nothing).
    """

    convention: MemoryConvention
    terms: tuple[MemoryTerm, ...]
    kv_per_token: int | None = None

    @property
    def total(self) -> int:
        """Every counted byte."""
        return sum(t.bytes for t in self.terms)

    @property
    def breakdown(self) -> dict[str, int]:
        """Bytes per part."""
        return {t.name: t.bytes for t in self.terms}

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "convention": self.convention.name,
            "flags": self.convention.flags(),
            "total": self.total,
            "terms": [{"name": t.name, "bytes": t.bytes, "meaning": t.meaning} for t in self.terms],
            "kv_cache_per_token": self.kv_per_token,
        }


Evaluate = Callable[[Sequence[Any]], int]


def _parts(
    template: Count, convention: MemoryConvention, extents: dict[str, int | None]
) -> list[tuple[str, str, Evaluate]]:
    """The parts of the figure, each a function of the template's slot values."""
    parts: list[tuple[str, str, Evaluate]] = []
    compiled = template.compiled
    total = compiled.function("total")
    weights = convention.dtype
    if weights.bits % 8 == 0:
        size = weights.bits // 8

        def weight_bytes(v: Sequence[Any]) -> int:
            return int(total(*v)) * size
    else:
        terms, shapes = compiled.function("terms"), compiled.function("shapes")
        dims = [len(t.shape) for t in compiled.terms]

        def weight_bytes(v: Sequence[Any]) -> int:
            flat = iter(shapes(*v))
            found = 0
            for value, rank in zip(terms(*v), dims):
                shape = tuple(int(next(flat)) for _ in range(rank))
                copies = value // math.prod(shape)  # identical layers
                found += copies * weights.tensor_bytes(shape)
            return found

    parts.append(("weights", f"every parameter once, {weights.name}", weight_bytes))

    def per_parameter(bytes_each: int) -> Evaluate:
        return lambda v: int(total(*v)) * bytes_each

    if convention.gradients:
        grads = convention.gradient_dtype
        parts.append(
            ("gradients", f"one per parameter, {grads.name}", per_parameter(grads.bits // 8))
        )
    if convention.master:
        parts.append(("master weights", "fp32 copy of every parameter", per_parameter(4)))
    states = _STATES[convention.optimizer]
    state = convention.state_dtype.bits // 8
    names = {"adam": ("adam first moment", "adam second moment"), "momentum": ("momentum",)}
    for name in names.get(convention.optimizer, ())[:states]:
        parts.append(
            (name, f"one per parameter, {convention.state_dtype.name}", per_parameter(state))
        )
    step = _STEP_BYTES.get(convention.optimizer, 0)
    if step:
        tensors = _tensor_count(compiled)
        parts.append(
            (
                "step counters",
                f"{convention.optimizer}'s step, one fp32 scalar per parameter tensor "
                "(torch.optim)",
                lambda v: step * tensors(v),
            )
        )
    if convention.kv_cache:
        cached = convention.cache_dtype
        cache, fp32 = _cache_function(template, extents, cached)
        note = ", recurrent states in fp32" if fp32 else ""
        parts.append(
            ("kv cache", f"keys and values of every cached token, {cached.name}{note}", cache)
        )
    if convention.activations:
        measure = f"activations:{convention.activations}"
        found = _measure_function(template, measure, extents, "activations")
        parts.append(("activations", ACTIVATION_FORMULAS[convention.activations], found))
    return parts


def _measure_function(
    template: Count, measure: str, extents: Mapping[str, int | None], what: str
) -> Evaluate:
    """The measure's total as a function of the template's slot values (its own sizes
    taken from ``extents``)."""
    from explorer.algebra import complete, measure_count

    counted = measure_count(template, measure, template.convention, extents)
    own = counted.values[len(template.values) :]
    slots = counted.compiled.slots[len(template.values) :]
    missing = [s.keyword for s, v in zip(slots, own) if v is None and not s.derived]
    if missing:
        raise UsageError(
            f"{what} depends on {', '.join(missing)}: give {typed('seq', placeholder='T')} "
            f"(and {typed('batch', placeholder='B')})"
        )
    function = counted.compiled.function("total")
    if not any(v is None for v in own):
        return lambda v: int(function(*v, *own))
    # Sizes of the measure's own that follow the design's (what a sliding window keeps, how
    # many layers are windowed): filled at each design the solver tries.
    family, structure = counted.family, counted.structure

    def evaluate(v: Sequence[Any]) -> int:
        values = [*v, *own]
        complete(family, structure, values)
        return int(function(*values))

    return evaluate


def _cache_function(
    template: Count, extents: Mapping[str, int | None], kind: Any
) -> tuple[Evaluate, bool]:
    """The bytes of the KV cache as a function of the template's slot values: its elements
    at the cache's dtype, but the ``state`` terms (a linear attention's recurrent state,
    which transformers keeps in fp32) at 4 bytes; and whether there are such terms."""
    from explorer.algebra import measure_count

    total = _measure_function(template, "kv", extents, "the KV cache")
    counted = measure_count(template, "kv", template.convention, extents)
    fp32 = [i for i, t in enumerate(counted.compiled.terms) if t.kind == "state"]
    if not fp32:
        return (lambda v: int(kind.nbytes(total(v)))), False
    terms = counted.compiled.function("terms")
    own = counted.values[len(template.values) :]

    def cached(v: Sequence[Any]) -> int:
        values = terms(*v, *own)
        states = sum(int(values[i]) for i in fp32)
        return int(kind.nbytes(total(v) - states)) + 4 * states

    return cached, True


def _tensor_count(compiled: Any) -> Evaluate:
    """The number of parameter tensors (a term of identical layers is one per layer)."""
    terms, shapes = compiled.function("terms"), compiled.function("shapes")
    ranks = [len(t.shape) for t in compiled.terms]

    def count(v: Sequence[Any]) -> int:
        flat = iter(shapes(*v))
        found = 0
        for value, rank in zip(terms(*v), ranks):
            size = math.prod(int(next(flat)) for _ in range(rank))
            found += int(value) // size if size else 1
        return found

    return count


def bytes_function(
    template: Count, convention: MemoryConvention, extents: dict[str, int | None]
) -> Evaluate:
    """The total bytes as one function of the template's slot values (the solver's)."""
    parts = [f for _, _, f in _parts(template, convention, extents)]
    return lambda v: sum(f(v) for f in parts)


def memory(count: Count, convention: MemoryConvention | None = None, **flags: Any) -> Memory:
    """The bytes of ``count``'s design as named terms.

    Args:
        count: a count (with ``seq`` and ``batch`` when the KV cache or activations are
            counted).
        convention: a :class:`MemoryConvention`; or give its flags (``dtype``,
            ``training``, ``master``, ``kv_cache``, ``kv_dtype``, ``activations``).

    Example:
        >>> import explorer
        >>> c = explorer.count("llama", d_model=64, layers=2, heads=4, kv_heads=2, d_ff=96,
        ...                    vocab=100, seq=16, batch=2)
        >>> memory(c, dtype="bf16", kv_cache=True).breakdown
        {'weights': 149120, 'kv cache': 8192}
    """
    if convention is None:
        convention = memory_convention(**flags)
    elif flags:
        raise UsageError("give a memory convention or its flags, not both")
    values = count._bound()
    extents: dict[str, int | None] = dict(count.extents)
    terms = tuple(
        MemoryTerm(name, f(values), meaning)
        for name, meaning, f in _parts(count, convention, extents)
    )
    return Memory(convention, terms, _kv_per_token(count, convention))


def _kv_per_token(count: Count, convention: MemoryConvention) -> int | None:
    """Bytes one token of one sequence adds to the cache (None: nothing is cached)."""
    from explorer.algebra import measures_of

    if "kv" not in measures_of(count.family, count.structure):
        return None
    one = dict.fromkeys(("seq", "batch", "decoder_seq"), 1)
    two = {**one, "seq": 2, "decoder_seq": 2}
    values = count._bound()
    kind = convention.cache_dtype
    # the second token's bytes: what a sequence keeps whatever its length (a linear
    # attention's states) is not per token
    first, second = (_cache_function(count, n, kind)[0](values) for n in (one, two))
    return int(second - first)
