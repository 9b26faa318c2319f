"""Qwen3.5 (``qwen3_5``): small and random ones, every model class (the LM, the base model,
sequence and token classifiers). Compute: a text-only forward pass."""

from __future__ import annotations

import random
from typing import Any

from tests.hf.zoo import qwen3_5_text, qwen3_5_vision

MODEL_TYPE = "qwen3_5"

RELEASED: list[dict[str, Any]] = []

SMALL: dict[str, Any] = {
    "vision_config": {**qwen3_5_vision.SMALL, "out_hidden_size": 64},
    "text_config": qwen3_5_text.SMALL,
}

COMPUTE = [
    {"config": {"model_type": "qwen3_5", **SMALL}, "model": "Qwen3_5ForConditionalGeneration",
     "seq": 16, "batch": 2},
    {"config": {"model_type": "qwen3_5", **SMALL, "num_labels": 3},
     "model": "Qwen3_5ForTokenClassification", "seq": 9, "batch": 1, "cache": False},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen3.5: its vision tower's merger out to the text width."""
    text = qwen3_5_text.random_config(rng)
    vision = {**qwen3_5_vision.random_config(rng), "out_hidden_size": text["hidden_size"]}
    return {
        "vision_config": vision,
        "text_config": text,
        "tie_word_embeddings": rng.random() < 0.5,
    }
