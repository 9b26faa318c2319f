"""Elman RNN (tanh): one gate set, h_t = tanh(W x_t + U h_{t-1} + b).

Per layer with input m and n cells: n(m+n) weights, plus n (single) or 2n (double) biases.

Example:
    >>> RNN.gates
    ('h',)
"""

from explorer.recurrent import RecurrentFamily

__all__ = ["RNN"]

RNN = RecurrentFamily(
    name="rnn",
    description="Elman RNN with tanh: n(m+n) weights per layer (torch.nn.RNN, keras SimpleRNN)",
    gates=("h",),
    torch_module="RNN",
)
