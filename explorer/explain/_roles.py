"""What a term's name says: its layer, its role, and the words for them.

Terms are named as PyTorch names parameters (``weight_ih_l0``, ``bias_hh_l[1:L]_reverse``,
``output.weight``), with a prefix per part of a spec (``encoder/weight_ih_l1``).

Example:
    >>> role("encoder/weight_hh_l1_reverse"), ROLE_TITLES[role("output.bias")]
    ('weight_hh', 'output biases')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["DENSE_TAILS", "FEEDING", "LAYER_TERM", "ROLE_TITLES", "role", "where"]

LAYER_TERM = re.compile(
    r"(?P<role>weight_ih|weight_hh|weight_hr|weight_hp|weight_peephole|weight_skip|"
    r"bias_ih|bias_hh|bias)_l(?P<layer>\d+|\[1:L\])(?P<reverse>_reverse)?$"
)
"""A term of one layer (or of the grouped layers ``[1:L]``), its role and direction."""

DENSE_TAILS = ("embedding.weight", "output.weight", "output.bias")
"""The terms outside the layers, by the end of their names."""

FEEDING = ("weight_ih", "weight_skip", "output.weight")
"""The roles whose last dimension is what feeds them (an input, the layer below)."""

ROLE_TITLES = {
    "weight_ih": "input-to-gates",
    "weight_hh": "hidden-to-gates",
    "weight_hr": "recurrent projection",
    "weight_hp": "non-recurrent projection",
    "weight_peephole": "peepholes",
    "weight_skip": "skip connection from the input",
    "bias_ih": "input-side biases",
    "bias_hh": "recurrent-side biases",
    "bias": "gate biases",
    "embedding.weight": "embedding table",
    "output.weight": "output weights",
    "output.bias": "output biases",
}


def role(name: str) -> str:
    """The role of a term (``weight_ih``, ``output.bias`` ...), else its whole name."""
    found = LAYER_TERM.search(name)
    if found:
        return found["role"]
    for tail in DENSE_TAILS:
        if name.endswith(tail):
            return tail
    return name


def where(terms: Iterable[str], every: set[str]) -> str:
    """``layer 0``, ``layers after the first``, ``every layer``, or nothing (output ...).

    ``every`` is the set of layer labels of the network (``0``, ``1``, ``[1:L]`` ...).

    Example:
        >>> where(["weight_hp_l0", "weight_hp_l[1:L]"], {"0", "[1:L]"})
        'every layer'
    """
    layers = set()
    for name in terms:
        found = LAYER_TERM.search(name)
        if not found:
            return ""
        layers.add(found["layer"])
    if layers == every and len(every) > 1:
        return "every layer"
    if layers == every - {"0"} and len(every) > 1:
        return "layers after the first"
    numbered = sorted(layers, key=lambda k: (len(k), k))
    return ("layer " if len(numbered) == 1 else "layers ") + ", ".join(numbered)
