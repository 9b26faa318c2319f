"""Ground truth for the model types of the zoo: one definition module per model type
(``tests/hf/zoo/<model_type>.py``) and what transformers builds from it, recorded in
``tests/hf/zoo/data/<model_type>.json`` by ``python -m tests.hf.zoo.record <model_type>``.

A definition module declares:

- ``MODEL_TYPE``: the ``model_type`` it describes;
- ``RELEASED``: released configurations, each ``{"name", "config", "model", "source",
  "published"}`` (``config`` as the model's ``config.json`` has it, the fields that shape the
  model at least; ``source`` where it was copied from; ``published`` the total the authors
  state, or ``None``; optional ``"active"``: the published active count of a mixture of
  experts, ``"note"``: why a built total differs from the published one);
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

__all__ = ["DATA", "RANDOM_PER_TYPE", "definition", "recorded", "recorded_types"]

DATA = Path(__file__).with_name("data")
RANDOM_PER_TYPE = 8


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
