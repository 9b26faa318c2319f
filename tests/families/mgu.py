"""The minimal gated unit (Zhou et al. 2016, "Minimal Gated Unit for Recurrent Neural
Networks"): a forget gate and a candidate, 2n(m+n) weights per layer.

Example:
    >>> MGU.gates
    ('f', 'h')
"""

from explorer.recurrent import RecurrentFamily

__all__ = ["MGU"]

MGU = RecurrentFamily(
    name="mgu",
    description="minimal gated unit: forget gate and candidate (Zhou et al. 2016)",
    gates=("f", "h"),
)
