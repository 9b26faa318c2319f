"""What the recurrent blocks' words share: what feeds a layer, and why a width handed on
is what it is (projections, both directions).

Example:
    >>> from explorer.blocks import Network
    >>> class Width:
    ...     number, text, shown, names, doubled = 39, "n_i", "39", {"n_i"}, False
    >>> layer_input("0", Width(), Network((), {}))
    'the 39 inputs of the network'
"""

from __future__ import annotations

from explorer.algebra import GROUPED
from explorer.blocks import DimensionLike, Network

__all__ = ["layer_input", "width_detail"]


def layer_input(layer: str, width: DimensionLike, network: Network) -> str:
    """What feeds a layer: the network input, the embedding, or the layer below."""
    if layer == "0":
        if network.has(part="embedding.weight"):
            return f"the {width.number}-wide embedding of each token"
        return f"the {width.number} inputs of the network"
    below = "the layer below" if layer == GROUPED else f"layer {int(layer) - 1}"
    return f"the {width.number} outputs of {below}{width_detail(width, network)}"


def width_detail(width: DimensionLike, network: Network) -> str:
    """Why a width handed on is what it is: projections, both directions."""
    parts = []
    bidirectional = network.has(direction=True)
    if bidirectional and width.doubled:
        parts.append("both directions concatenated")
    elif bidirectional:
        parts.append(f"the two directions merged by {network.design.get('merge') or 'concat'}")
    whose = "their" if bidirectional else "its"
    if {"n_r", "n_p"} <= width.names:  # in the order the sum is shown
        first = (
            "recurrent" if width.text.index("n_r") < width.text.index("n_p") else "non-recurrent"
        )
        second = "non-recurrent" if first == "recurrent" else "recurrent"
        parts.append(f"{whose} {first} and {second} projections")
    elif "n_r" in width.names:
        parts.append(
            f"{whose} recurrent projections" if bidirectional else "its recurrent projection"
        )
    if not parts:
        return ""
    shown = f": {width.shown}" if width.shown != str(width.number) else ""
    return f" ({', '.join(parts)}{shown})"
