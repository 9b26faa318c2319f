"""Why each term of a recurrent network has its size: which inputs feed a gate set, why
two bias vectors, why layers above the first are wider, what the output layer sees.

Example:
    >>> import explorer
    >>> from explorer.explain._arithmetic import dimension
    >>> c = explorer.count("gru", convention="pytorch", input=10, cells=20)
    >>> info = c.compiled.terms[0]
    >>> dims = [dimension(t, n, {"n_i": 10, "n_c": 20}) for t, n in zip(info.shape_text, (60, 10))]
    >>> from explorer.blocks._reasoning import Network
    >>> network = Network(tuple(t.role for t in c.compiled.terms), c.sizes)
    >>> print(REASONS["gates"](info.role, (60, 10), dims, network))
    each of the 3 gates (r, z, n) of the 20 cells sees the 10 inputs of the network
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from explorer.algebra import GROUPED, Role
from explorer.blocks._reasoning import DimensionLike, Network, Reason

__all__ = ["REASONS"]


def _gates(role: Role, rows: DimensionLike) -> tuple[int, str, int]:
    """Gates, their letters (`` (i, f, g, o)``) and cells: the gates are the constant
    factor of the rows (``4*n_c``), the letters the role's own when it has them."""
    constant = re.match(r"(\d+)\*", rows.text)
    gates = int(constant[1]) if constant else 1
    letters = role.extra("gates")
    shown = f" ({', '.join(letters)})" if len(letters) == gates > 1 else ""
    return gates, shown, rows.number // gates


def _each(gates: int, letters: str, cells: int) -> str:
    """``each of the 4 gates (i, f, g, o) of the 1024 cells``; one gate: ``each of the 2 cells``."""
    if gates == 1:
        return f"each of the {cells} cells"
    return f"each of the {gates} gates{letters} of the {cells} cells"


def _per_gate(gates: int, cells: int) -> str:
    if gates == 1:
        return f"one bias per cell ({cells})"
    return f"one bias per gate per cell ({gates} x {cells})"


def _layer_input(layer: str, width: DimensionLike, network: Network) -> str:
    """What feeds a layer: the network input, the embedding, or the layer below."""
    if layer == "0":
        if network.has(part="embedding.weight"):
            return f"the {width.number}-wide embedding of each token"
        return f"the {width.number} inputs of the network"
    below = "the layer below" if layer == GROUPED else f"layer {int(layer) - 1}"
    return f"the {width.number} outputs of {below}{_width_detail(width, network)}"


def _width_detail(width: DimensionLike, network: Network) -> str:
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


def _gate_set(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    gates, letters, cells = _gates(role, dims[0])
    if role.part == "weight_ih":
        return f"{_each(gates, letters, cells)} sees {_layer_input(role.layer, dims[1], network)}"
    if role.part == "weight_hh":
        if "n_r" in dims[1].names:
            own = f"the layer's own {numbers[1]}-wide recurrent projection"
        else:
            own = f"the layer's own {numbers[1]} outputs"
        return f"{_each(gates, '', cells)} sees {own} from the previous step"
    if role.part == "bias_ih":
        return (
            f"{_per_gate(gates, cells)} on the input side (b_ih); the convention keeps a "
            "second vector on the recurrent side, so biases count twice"
        )
    if role.part == "bias_hh":
        return (
            f"the second bias vector, on the recurrent side (b_hh): {gates * cells} more, as "
            "PyTorch (and the reset_after GRU) keep one bias for each side"
        )
    return f"{_per_gate(gates, cells)}, a single vector"


def _skip(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    gates, _, cells = _gates(role, dims[0])
    return (
        f"{_each(gates, '', cells)} also sees the {numbers[1]} network inputs directly: "
        "a skip connection from the input to every layer above the first (Graves 2013)"
    )


def _projection(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    if role.part == "weight_hr":
        return (
            f"the {numbers[1]} cell outputs are projected to {numbers[0]} numbers, fed back to "
            "the gates at the next step and handed on"
        )
    return (
        f"the {numbers[1]} cell outputs are also projected to {numbers[0]} numbers that only "
        "feed forward (to the layer above or the output), never back (Sak et al. 2014)"
    )


def _peepholes(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    return (
        f"each of the {numbers[1]} cells has {numbers[0]} peepholes: its cell state feeds "
        "the input, forget and output gates through one diagonal weight each"
    )


def _embedding(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    shared = "; the output layer shares this matrix (tied), so it is counted once, here"
    return (
        f"one row of {numbers[1]} numbers (the input size) for each of the {numbers[0]} "
        f"tokens{shared if network.design.get('tied') else ''}"
    )


def _output(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    if role.part == "output.bias":
        note = (
            "; its weights are the embedding matrix (tied), counted once in embedding.weight"
            if network.design.get("tied")
            else ""
        )
        return f"one bias for each of the {numbers[0]} outputs{note}"
    width = dims[1]
    if network.has(part="weight_skip"):
        source = (
            f"every layer ({width.shown}: skip connections from every layer to the output, "
            "Graves 2013)"
        )
    else:
        source = f"the last layer, {network.last_layer()}{_width_detail(width, network)}"
    return f"each of the {numbers[0]} outputs sees the {width.number} outputs of {source}"


#: The reasons of the recurrent blocks' terms, by block.
REASONS: dict[str, Reason] = {
    "gates": _gate_set,
    "skip": _skip,
    "projection": _projection,
    "peepholes": _peepholes,
    "embedding": _embedding,
    "output": _output,
}
