"""A build's named tensors, grouped as the framework names them with the layer index
abstracted (``model.layers.{i}.mlp.up_proj.weight``), and what each group is: a weight,
a bias or an embedding table, the block it belongs to, routed experts or not.

A derived count is fitted per group (the sum of the group's elements over its
instances), so it keeps the framework's names, weights and biases apart, the embedding
split and a per-block breakdown; no torch is imported here.

Example:
    >>> abstract("model.layers.17.mlp.experts.3.w1.weight")
    'model.layers.{i}.mlp.experts.{j}.w1.weight'
    >>> abstract("weight_hh_l2_reverse")
    'weight_hh_l{i}_reverse'
    >>> classify("model.layers.{i}.self_attn.q_proj.bias", "Linear")
    TensorInfo(kind='bias', block='attention', experts=False)
    >>> classify("model.embed_tokens.weight", "Embedding").kind
    'embedding'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from explorer.derivation._poly import RationalPolynomial

__all__ = ["DerivedTensor", "TensorInfo", "abstract", "classify"]

_INDEX = re.compile(r"(?<=\.)\d+(?=\.)|^\d+(?=\.)")
_RNN_LAYER = re.compile(r"(?<=_l)\d+(?=_|$)")
_PLACES = ("{i}", "{j}", "{k}", "{l}", "{m}")


class TensorInfo(NamedTuple):
    """What a group of tensors is.

    Attributes:
        kind: ``weight``, ``bias`` or ``embedding`` (an ``nn.Embedding`` table).
        block: ``embedding``, ``attention``, ``mlp``, ``experts``, ``norm``, ``head``,
            ``vision`` ..., or the name's first part.
        experts: the routed experts of a mixture (a token uses ``k`` of ``E``).
    """

    kind: str
    block: str
    experts: bool


def abstract(name: str) -> str:
    """The name with each index of a repeated module replaced by ``{i}``, ``{j}`` ...
    (outermost first) and an RNN's layer suffix (``_l0``) by ``_l{i}``."""
    count = 0

    def place(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _PLACES[min(count, len(_PLACES)) - 1]

    name = _INDEX.sub(place, name)
    return _RNN_LAYER.sub("{i}", name)


_ATTENTION = ("attn", "attention")
_MLP = ("mlp", "ffn", "feed_forward", "feedforward", "intermediate", "fc1", "fc2", "dense_h")


def classify(name: str, module_class: str) -> TensorInfo:
    """The kind and block of a (abstracted) parameter name, owned by a module of class
    ``module_class``."""
    parts = name.lower().split(".")
    last = parts[-1]
    owner = parts[-2] if len(parts) > 1 else ""
    kind = (
        "bias"
        if last.startswith("bias") or last.endswith("_bias")
        else "embedding"
        if "embedding" in module_class.lower() and "rotary" not in module_class.lower()
        else "weight"
    )
    experts = "experts" in parts and not any("shared" in p for p in parts)
    text = name.lower()
    if parts[0].startswith(("weight_", "bias_")):  # torch's recurrent layers
        block = "recurrent"
    elif "vision" in text or "visual" in text:
        block = "vision"
    elif kind == "embedding" or any(w in owner for w in ("embed", "wte", "wpe")):
        block = "embedding"
    elif experts:
        block = "experts"
    elif "norm" in owner or owner.startswith(("ln", "layernorm")) or "norm" in module_class.lower():
        block = "norm"
    elif any(w in p for p in parts[:-1] for w in _ATTENTION):
        block = "attention"
    elif any(w in p for p in parts[:-1] for w in _MLP) or "expert" in text:
        block = "mlp"
    elif any(w in p for p in parts[:-1] for w in ("lm_head", "head", "classifier", "score")):
        block = "head"
    else:
        block = parts[0] if len(parts) > 1 else "other"
    return TensorInfo(kind, block, experts)


@dataclass(frozen=True)
class DerivedTensor:
    """One group of named tensors (the layer index abstracted) and its exact count.

    Attributes:
        name: the framework's name, ``model.layers.{i}.mlp.up_proj.weight``.
        kind: ``weight``, ``bias`` or ``embedding``.
        block: ``attention``, ``mlp``, ``experts``, ``embedding``, ``norm``, ``head`` ...
        experts: the routed experts of a mixture (a token uses ``k`` of ``E``).
        polynomial: the elements of every tensor of the group, over the variables.
    """

    name: str
    kind: str
    block: str
    experts: bool
    polynomial: RationalPolynomial

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "block": self.block,
            "experts": self.experts,
            "formula": self.polynomial.text(),
        }
