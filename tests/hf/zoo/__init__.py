"""Ground truth for the model types of the zoo: one definition module per model type
(``tests/hf/zoo/<model_type>.py``) and what transformers builds from it, recorded in
``tests/hf/zoo/data/<model_type>.json`` by ``python -m tests.hf.zoo.record <model_type>``.

A definition module declares:

- ``MODEL_TYPE``: the ``model_type`` it describes;
- ``RELEASED``: released configurations, each ``{"name", "config", "model", "source",
  "published"}`` (``config`` as the model's ``config.json`` has it, the fields that shape the
  model at least; ``source`` where it was copied from; ``published`` the total the authors
  state: exact (an int), as printed (``"30.5B"``, compared at its precision, rounded to the
  nearest unless ``"rounding": "down"``: truncated), or ``None``; optional ``"active"``: the
  published active count of a mixture of experts, exact, or as the card prints it with the
  convention it matches (:data:`ACTIVE_CONVENTIONS`), ``{"published": "3.3B", "counts":
  "all", "rounding": "down", "also": [...]}`` (``also``: the other conventions that happen to
  match at that precision; every other one must not); ``"note"``: why a built total differs
  from the published one);
- ``SMALL``: a small configuration (one or two layers) every model class is built from;
- ``random_config(rng)``: a random small configuration (the recorder draws
  :data:`RANDOM_PER_TYPE` of them from a fixed seed, and the live test fresh ones);
- ``COMPUTE`` (optional): ``{"config", "model", "seq", "batch"}`` cases (with an
  encoder-decoder's ``decoder_seq``; ``"cache": False`` where the model caches nothing)
  whose forward pass FLOPs (``FlopCounterMode``, eager attention, experts one by one) and
  KV cache (bf16 ``past_key_values`` after the pass) are recorded; by default ``SMALL``
  under the causal LM class at ``seq`` 16 and ``batch`` 2.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "ACTIVE_CONVENTIONS",
    "DATA",
    "RANDOM_PER_TYPE",
    "active_under",
    "definition",
    "printed_matches",
    "recorded",
    "recorded_types",
]

DATA = Path(__file__).with_name("data")
RANDOM_PER_TYPE = 8

#: What a card's active count may count, as read from a count (the total less the routed
#: experts a token does not use: :mod:`explorer.transformer.blocks.experts`):
#: ``all`` every parameter a token uses (the explorer's ``active``); ``no_token_embedding``
#: that less the token embedding table (the LM head, a matrix product, still counted:
#: gpt-oss's card, DeepSeek's); ``non_embedding`` less the LM head too (GLM-4.5's).
ACTIVE_CONVENTIONS = ("all", "no_token_embedding", "non_embedding")


def active_under(count: Any, convention: str) -> int:
    """A count's active parameters under one of :data:`ACTIVE_CONVENTIONS`."""
    active: int = count.active
    if convention == "all":
        return active
    active -= count.embedding
    if convention == "no_token_embedding":
        return active
    head: int = count.breakdown.get("lm_head.weight", 0)
    return active - head


def printed_matches(value: int, printed: str, rounding: str = "nearest") -> bool:
    """Whether ``value`` prints as ``printed`` (``"3.3B"``) at its precision: rounded to
    the nearest (half a unit of the last digit either way) or truncated (``down``)."""
    from explorer.papers import parse_reported

    figure, half = parse_reported(printed)
    if rounding == "down":
        return figure <= value < figure + 2 * half
    return abs(value - figure) <= half


def definition(model_type: str) -> ModuleType:
    """The definition module of a model type (``xlm-roberta`` -> ``xlm_roberta``)."""
    return importlib.import_module(f"tests.hf.zoo.{model_type.replace('-', '_')}")


def recorded_types() -> list[str]:
    """The model types with recorded ground truth, sorted."""
    return sorted(path.stem for path in DATA.glob("*.json"))


def recorded(model_type: str) -> dict[str, Any]:
    """A model type's recorded ground truth."""
    data: dict[str, Any] = json.loads((DATA / f"{model_type}.json").read_text("utf-8"))
    return data
