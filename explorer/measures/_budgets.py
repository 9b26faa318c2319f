"""What a budget is counted in: parameters, FLOPs, or bytes. The solver is given one.

A measure turns a design's count (with its free size still a symbol) into one exact
integer function of the sizes, non-decreasing in each, and reads budgets in its unit.
The solver proves its answer on that function exactly as it does for parameters, so a
FLOP or byte budget is met by construction, never by estimate.

Example:
    >>> import explorer
    >>> s = explorer.solve("llama", budget="2e12", measure=Flops(seq=2048), mode="under",
    ...                    layers=24, heads=16, vocab=32000)
    >>> s.unit, s.sizes["d_model"], s.total <= 2 * 10**12, s.above.total > 2 * 10**12
    ('FLOPs', 1056, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from explorer.conventions import ComputeConvention, compute_convention
from explorer.errors import UsageError, typed
from explorer.measures._memory import MemoryConvention, bytes_function, memory_convention
from explorer.measures._units import parse_bytes, parse_flops

if TYPE_CHECKING:
    from explorer.algebra import Count, Polynomial
    from explorer.solver import Evaluate


__all__ = ["PARAMETERS", "PER", "Bytes", "Flops", "Parameters", "Per"]

Per = Literal["sequence", "token"]
PER: tuple[str, ...] = get_args(Per)


@dataclass(frozen=True, slots=True)
class Parameters:
    """Parameters, as every count has them (the default)."""

    unit: str = "parameters"

    def describe(self) -> str:
        """Parameters."""
        return "parameters"

    def parse_budget(self, value: object) -> int:
        """``6.5M``, ``6.5e6``, ``350k`` ..."""
        from explorer.solver import parse_budget

        return parse_budget(value)

    def evaluator(self, template: Count) -> tuple[Evaluate, Polynomial | None, tuple[int, ...]]:
        """The compiled total."""
        total = template.compiled.function("total")
        return (lambda v: total(*v)), template.compiled.total, ()

    def of(self, count: Count) -> int:
        """The total."""
        return count.total


PARAMETERS = Parameters()


@dataclass(frozen=True, slots=True)
class Flops:
    """FLOPs of a forward pass (or a training step) of one sequence of ``seq`` tokens.

    Attributes:
        seq: tokens per sequence (time steps of a recurrent network).
        per: ``sequence`` (the FLOPs of one sequence) or ``token`` (per token of it: a
            budget b per token is met when the sequence's FLOPs are at most b x seq).
        training: a training step, ``training_factor`` x the forward pass (3: forward and
            backward, Kaplan et al. 2020), instead of one forward pass.
        compute: the compute convention (``torch``, the default; ``causal``).
        decoder_seq: an encoder-decoder's decoder length (default ``seq``).
    """

    seq: int
    per: Per = "sequence"
    training: bool = False
    compute: str | ComputeConvention = "torch"
    decoder_seq: int | None = None
    unit: str = field(default="FLOPs", init=False)

    def __post_init__(self) -> None:
        from explorer.sizes import positive_int

        positive_int("seq", self.seq)
        if self.decoder_seq is not None:
            positive_int("decoder_seq", self.decoder_seq)
        if self.per not in PER:
            from explorer.errors import UnknownNameError

            raise UnknownNameError.for_name("FLOP budget unit", self.per, PER)
        compute_convention(self.compute)

    @property
    def convention(self) -> ComputeConvention:
        """The compute convention."""
        return compute_convention(self.compute)

    def describe(self) -> str:
        """``training FLOPs (3 x forward) of one 2048-token sequence``."""
        what = (
            f"training FLOPs ({self.convention.training_factor} x forward)"
            if self.training
            else "forward FLOPs"
        )
        scale = f", a budget per token x {self.seq}" if self.per == "token" else ""
        return f"{what} of one {self.seq}-token sequence{scale} ({self.convention.name})"

    def parse_budget(self, value: object) -> int:
        """FLOPs (``2e12``, ``2T``); per token: times ``seq``, the sequence's budget."""
        budget = parse_flops(value)
        return budget * self.seq if self.per == "token" else budget

    def _extents(self) -> dict[str, int | None]:
        return {"seq": self.seq, "batch": 1, "decoder_seq": self.decoder_seq or self.seq}

    def _factor(self) -> int:
        return self.convention.training_factor if self.training else 1

    def evaluator(self, template: Count) -> tuple[Evaluate, Polynomial | None, tuple[int, ...]]:
        """The compute measure's compiled total, over the template's slots."""
        from explorer.algebra import Polynomial, measure_count

        counted = measure_count(template, self.convention.measure, self.convention, self._extents())
        own = tuple(int(v) for v in counted.values[len(template.values) :] if v is not None)
        total, factor = counted.compiled.function("total"), self._factor()
        polynomial = Polynomial(tuple((c * factor, e) for c, e in counted.compiled.total.monomials))
        return (lambda v: factor * total(*v, *own)), polynomial, own

    def of(self, count: Count) -> int:
        """The design's FLOPs under this measure."""
        from explorer.algebra import measure_count

        counted = measure_count(count, self.convention.measure, self.convention, self._extents())
        return self._factor() * counted.total


@dataclass(frozen=True, slots=True)
class Bytes:
    """Bytes under a memory convention (weights, training state, KV cache, activations).

    Attributes:
        memory: the memory convention (:func:`explorer.measures.memory_convention`).
        seq, batch: the context and batch of the KV cache and activations, when counted.
        decoder_seq: an encoder-decoder's decoder length (default ``seq``).
    """

    memory: MemoryConvention = field(default_factory=memory_convention)
    seq: int | None = None
    batch: int = 1
    decoder_seq: int | None = None
    unit: str = field(default="bytes", init=False)

    def __post_init__(self) -> None:
        if (self.memory.kv_cache or self.memory.activations) and self.seq is None:
            raise UsageError(
                "the KV cache and activations depend on the context: give "
                f"{typed('seq', placeholder='T')} (and {typed('batch', placeholder='B')})"
            )

    def describe(self) -> str:
        """``bytes: bf16 weights, gradients ...``."""
        context = "" if self.seq is None else f" at {self.seq} tokens x {self.batch} sequences"
        return f"bytes of {self.memory.name}{context}"

    def parse_budget(self, value: object) -> int:
        """``80GB``, ``80GiB``, ``512MiB``, a plain number of bytes."""
        return parse_bytes(value)

    def _extents(self) -> dict[str, int | None]:
        decoder = self.decoder_seq or self.seq
        return {"seq": self.seq, "batch": self.batch, "decoder_seq": decoder}

    def evaluator(self, template: Count) -> tuple[Evaluate, Polynomial | None, tuple[int, ...]]:
        """Every part's bytes, summed (no closed-form guess: the search is exact)."""
        return bytes_function(template, self.memory, self._extents()), None, ()

    def of(self, count: Count) -> int:
        """The design's bytes."""
        function = bytes_function(count, self.memory, self._extents())
        return function(count._bound())
