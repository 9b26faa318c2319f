"""GRU (Cho et al. 2014): gates r, z and candidate n, 3n(m+n) weights per layer.

Biases: the original form (reset before the recurrent product) needs one 3n vector
(``single``); the ``reset_after`` form used by PyTorch and Keras keeps the recurrent bias
apart, 6n (Keras stores it as a (2, 3n) array; PyTorch as b_ih and b_hh).

Example:
    >>> GRU.has_reset_gate
    True
"""

from explorer.recurrent import RecurrentFamily

__all__ = ["GRU"]

GRU = RecurrentFamily(
    name="gru",
    description="GRU, original (Cho et al. 2014) or reset_after form (PyTorch, Keras)",
    gates=("r", "z", "n"),
    has_reset_gate=True,
    torch_module="GRU",
)
