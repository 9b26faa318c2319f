"""Compute conventions: what the FLOPs of a design count, as data.

The reference is PyTorch's own counter, ``torch.utils.flop_counter.FlopCounterMode``: it
counts matrix products (``mm``, ``addmm``, ``bmm``, ``baddbmm``, attention kernels) as
2 x M x N x K FLOPs and nothing else: no elementwise operation, no softmax, no norm, no
added bias, no embedding lookup. A design's compute is therefore a sum of named matrix
products, each 2 x its multiply-accumulates (MACs).

Example:
    >>> COMPUTE["torch"].attention, COMPUTE["causal"].attention
    ('full', 'causal')
    >>> COMPUTE["torch"].measure, COMPUTE["torch"].training_factor
    ('flops:full', 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from explorer.conventions._convention import Convention, Flag
from explorer.errors import UnknownNameError

__all__ = ["ATTENTION", "COMPUTE", "Attention", "ComputeConvention", "compute_convention"]

Attention = Literal["full", "causal"]
ATTENTION: tuple[str, ...] = get_args(Attention)


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputeConvention(Convention):
    """Which products the FLOPs of a forward pass count, and the training factor.

    Attributes:
        attention: ``full``: the scores Q K^T and the weighted values A V over the whole
            T x T square, as eager attention computes them and FlopCounterMode counts them
            (masked entries included); ``causal``: a causal self-attention's query i
            meets i + 1 keys only, T (T + 1) / 2 products per head instead of T^2 (what a
            kernel that skips masked blocks does); encoders and cross-attention stay full.
        training_factor: FLOPs of a training step per forward FLOP: the backward pass
            costs twice the forward pass's matrix products (Kaplan et al. 2020, section
            2.1; Hoffmann et al. 2022, appendix F), so forward + backward = 3 x forward.
    """

    KIND: ClassVar[str] = "compute"
    FLAGS: ClassVar[tuple[Flag, ...]] = (
        Flag("attention", "attention products over the full square or causal only", ATTENTION),
    )

    attention: Attention
    training_factor: int = 3

    @property
    def measure(self) -> str:
        """The families' name of the measure that holds these FLOPs."""
        return f"flops:{self.attention}"


TORCH = ComputeConvention(
    name="torch",
    attention="full",
    formula="FLOPs = 2 x sum of M x N x K over the matrix products of one forward pass",
    source="torch.utils.flop_counter.FlopCounterMode (PyTorch 2.x): mm, addmm, bmm and "
    "attention kernels; nothing elementwise. Training: 3 x forward (Kaplan et al. 2020)",
)

CAUSAL = ComputeConvention(
    name="causal",
    attention="causal",
    formula="as torch, a causal self-attention's scores and weighted values over the "
    "T (T + 1) / 2 query-key pairs a query may see",
    source="the saving of causal attention kernels that skip masked blocks "
    "(FlashAttention, Dao et al. 2022); not what FlopCounterMode counts",
)

#: The compute presets by name.
COMPUTE: dict[str, ComputeConvention] = {c.name: c for c in (TORCH, CAUSAL)}


def compute_convention(
    convention: str | ComputeConvention | None = None, *, attention: str | None = None
) -> ComputeConvention:
    """A compute preset by name (default ``torch``), with ``attention`` overridden.

    Example:
        >>> compute_convention(attention="causal").name
        'torch+attention=causal'
    """
    if isinstance(convention, ComputeConvention):
        base = convention
    else:
        name = "torch" if convention is None else convention
        try:
            base = COMPUTE[name]
        except (KeyError, TypeError):
            raise UnknownNameError.for_name("compute convention", name, COMPUTE) from None
    if attention is None:
        return base
    ATTENTION_FLAG.check(attention)
    return base.with_overrides(attention=attention)


ATTENTION_FLAG = ComputeConvention.FLAGS[0]
