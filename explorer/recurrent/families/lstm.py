"""LSTM (Hochreiter & Schmidhuber 1997) and LSTMP (Sak, Senior, Beaufays 2014).

Per layer with input m, n cells: 4n(m+n) weights (gates i, f, g, o), plus biases (4n or
8n), 3n peepholes where the convention has them; with a recurrent projection r the
recurrent matrix is 4n·r and the projection adds r·n; a non-recurrent projection p adds
p·n and the layer hands r + p on.

Example:
    >>> LSTMP.requires_projection, LSTM.requires_projection
    (True, False)
"""

from explorer.recurrent import RecurrentFamily

__all__ = ["LSTM", "LSTMP"]

LSTM = RecurrentFamily(
    name="lstm",
    description="LSTM, optionally with recurrent (proj) and non-recurrent (nonrec_proj) "
    "projections",
    gates=("i", "f", "g", "o"),
    supports_projection=True,
    supports_peepholes=True,
    torch_module="LSTM",
)

LSTMP = RecurrentFamily(
    name="lstmp",
    description="LSTM with a recurrent projection layer (proj required; Sak et al. 2014)",
    gates=("i", "f", "g", "o"),
    supports_projection=True,
    requires_projection=True,
    supports_peepholes=True,
    torch_module="LSTM",
)
