"""Why each term has its size: which inputs feed it, why two bias vectors, why layers
above the first are wider, why the output sees what it sees.

Example:
    >>> import explorer
    >>> from explorer.explain._arithmetic import dimension
    >>> c = explorer.count("gru", convention="pytorch", input=10, cells=20)
    >>> info, numbers = c.compiled.terms[0], (60, 10)
    >>> dims = [dimension(t, n, {"n_i": 10, "n_c": 20}) for t, n in zip(info.shape_text, numbers)]
    >>> title, why = words(info, numbers, dims, Context.of(c, c.compiled.terms))
    >>> print(title)
    layer 0 input-to-gates
    >>> print(why)
    each of the 3 gates (r, z, n) of the 20 cells sees the 10 inputs of the network
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from explorer.explain._arithmetic import Dimension
from explorer.explain._protocols import TermInfoLike
from explorer.explain._roles import DENSE_TAILS, LAYER_TERM, ROLE_TITLES

__all__ = ["Context", "words"]

_GATES = re.compile(r"(\d+) gates(?: \(([^)]*)\))?")


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the whole network that a term's reason needs (per part of a spec)."""

    names: frozenset[str]
    tied: bool
    merge: str

    @classmethod
    def of(cls, count: object, infos: Sequence[TermInfoLike]) -> Context:
        """The facts of ``count``, whose terms are ``infos``."""
        sizes = getattr(count, "sizes", None) or {}
        return cls(
            names=frozenset(i.name for i in infos),
            tied=bool(sizes.get("tied")),
            merge=str(sizes.get("merge") or "concat"),
        )

    def has(self, prefix: str, pattern: str) -> bool:
        """Whether a term of this part matches ``pattern`` (a regex on the rest of its name)."""
        rule = re.compile(re.escape(prefix) + pattern + r"\Z")
        return any(rule.match(n) for n in self.names)

    def last_layer(self, prefix: str) -> str:
        """``layer 2``, ``layer L-1``: the layer that feeds the output."""
        layers = {
            m["layer"]
            for n in self.names
            if n.startswith(prefix) and (m := LAYER_TERM.search(n[len(prefix) :]))
        }
        if "[1:L]" in layers:
            return "layer L-1"
        numbered = [int(k) for k in layers]
        return f"layer {max(numbered)}" if numbered else "the last layer"


def words(
    info: TermInfoLike, numbers: tuple[int, ...], dims: list[Dimension], context: Context
) -> tuple[str, str]:
    """The title and the reason of a term, from its name, shape and the network."""
    name = info.name
    layer_term = LAYER_TERM.search(name)
    if layer_term:
        prefix = name[: layer_term.start()]
        layer, reverse = layer_term["layer"], bool(layer_term["reverse"])
        where = "layers 1..L-1" if layer == "[1:L]" else f"layer {layer}"
        where += " (reverse)" if reverse else ""
        role = layer_term["role"]
        title = f"{where} {ROLE_TITLES[role]}"
        reason = _layer_reason(
            role, layer=layer, prefix=prefix, info=info, numbers=numbers, dims=dims, context=context
        )
        return title, reason
    for tail in DENSE_TAILS:
        if name.endswith(tail):
            prefix = name[: -len(tail)]
            return ROLE_TITLES[tail], _dense_reason(tail, prefix, numbers, dims, context)
    meaning = info.meaning.split(": ", 1)[-1]
    return info.meaning.split(": ", 1)[0] if ": " in info.meaning else name, meaning


def _gates(info: TermInfoLike, rows: Dimension) -> tuple[int, str, int]:
    """Gates, their letters (`` (i, f, g, o)``) and cells: the gates are the constant
    factor of the rows (``4*n_c``), the letters come from the meaning when it has them."""
    constant = re.match(r"(\d+)\*", rows.text)
    gates = int(constant[1]) if constant else 1
    found = _GATES.search(info.meaning)
    letters = f" ({found[2]})" if found and found[2] and int(found[1]) == gates else ""
    return gates, letters, rows.number // gates


def _layer_reason(
    role: str,
    *,
    layer: str,
    prefix: str,
    info: TermInfoLike,
    numbers: tuple[int, ...],
    dims: list[Dimension],
    context: Context,
) -> str:
    gates, letters, cells = _gates(info, dims[0])
    if role in ("weight_ih", "weight_skip"):
        seen = _layer_input(layer, prefix, dims[1], context)
        if role == "weight_skip":
            return (
                f"{_each(gates, '', cells)} also sees the {numbers[1]} network inputs directly: "
                "a skip connection from the input to every layer above the first (Graves 2013)"
            )
        return f"{_each(gates, letters, cells)} sees {seen}"
    if role == "weight_hh":
        if "n_r" in dims[1].names:
            own = f"the layer's own {numbers[1]}-wide recurrent projection"
        else:
            own = f"the layer's own {numbers[1]} outputs"
        return f"{_each(gates, '', cells)} sees {own} from the previous step"
    if role == "weight_hr":
        return (
            f"the {numbers[1]} cell outputs are projected to {numbers[0]} numbers, fed back to "
            "the gates at the next step and handed on"
        )
    if role == "weight_hp":
        return (
            f"the {numbers[1]} cell outputs are also projected to {numbers[0]} numbers that only "
            "feed forward (to the layer above or the output), never back (Sak et al. 2014)"
        )
    if role == "weight_peephole":
        return (
            f"each of the {numbers[1]} cells has {numbers[0]} peepholes: its cell state feeds "
            "the input, forget and output gates through one diagonal weight each"
        )
    if role == "bias_ih":
        return (
            f"{_per_gate(gates, cells)} on the input side (b_ih); the convention keeps a "
            "second vector on the recurrent side, so biases count twice"
        )
    if role == "bias_hh":
        return (
            f"the second bias vector, on the recurrent side (b_hh): {gates * cells} more, as "
            "PyTorch (and the reset_after GRU) keep one bias for each side"
        )
    return f"{_per_gate(gates, cells)}, a single vector"


def _each(gates: int, letters: str, cells: int) -> str:
    """``each of the 4 gates (i, f, g, o) of the 1024 cells``; one gate: ``each of the 2 cells``."""
    if gates == 1:
        return f"each of the {cells} cells"
    return f"each of the {gates} gates{letters} of the {cells} cells"


def _per_gate(gates: int, cells: int) -> str:
    if gates == 1:
        return f"one bias per cell ({cells})"
    return f"one bias per gate per cell ({gates} x {cells})"


def _layer_input(layer: str, prefix: str, width: Dimension, context: Context) -> str:
    """What feeds a layer: the network input, the embedding, or the layer below."""
    if layer == "0":
        if context.has(prefix, r"embedding\.weight"):
            return f"the {width.number}-wide embedding of each token"
        return f"the {width.number} inputs of the network"
    below = "the layer below" if layer == "[1:L]" else f"layer {int(layer) - 1}"
    return f"the {width.number} outputs of {below}{_width_detail(width, prefix, context)}"


def _width_detail(width: Dimension, prefix: str, context: Context) -> str:
    """Why a width handed on is what it is: projections, both directions."""
    parts = []
    bidirectional = context.has(prefix, r".*_reverse")
    if bidirectional and width.doubled:
        parts.append("both directions concatenated")
    elif bidirectional:
        parts.append(f"the two directions merged by {context.merge}")
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


def _dense_reason(
    tail: str, prefix: str, numbers: tuple[int, ...], dims: list[Dimension], context: Context
) -> str:
    tied = context.tied
    if tail == "embedding.weight":
        shared = "; the output layer shares this matrix (tied), so it is counted once, here"
        return (
            f"one row of {numbers[1]} numbers (the input size) for each of the {numbers[0]} "
            f"tokens{shared if tied else ''}"
        )
    if tail == "output.bias":
        note = (
            "; its weights are the embedding matrix (tied), counted once in embedding.weight"
            if tied
            else ""
        )
        return f"one bias for each of the {numbers[0]} outputs{note}"
    width = dims[1]
    if context.has(prefix, r"weight_skip_.*"):
        source = (
            f"every layer ({width.shown}: skip connections from every layer to the output, "
            "Graves 2013)"
        )
    else:
        last = context.last_layer(prefix)
        detail = _width_detail(width, prefix, context)
        source = f"the last layer, {last}{detail}"
    return f"each of the {numbers[0]} outputs sees the {width.number} outputs of {source}"
