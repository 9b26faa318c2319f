"""LLaMA 4 (``llama4``): Llama 4 Scout as released, and small and random ones. Compute: a
text-only forward pass."""

from __future__ import annotations

import random
from typing import Any

from tests.hf.zoo import llama4_text, llama4_vision_model

MODEL_TYPE = "llama4"

RELEASED = [
    {
        "name": "Llama-4-Scout-17B-16E",
        "model": "Llama4ForConditionalGeneration",
        "config": {
            "architectures": ["Llama4ForConditionalGeneration"],
            "boi_token_index": 200080,
            "eoi_token_index": 200081,
            "image_token_index": 200092,
            "model_type": "llama4",
            "text_config": llama4_text.SCOUT_TEXT,
            "tie_word_embeddings": False,
            "torch_dtype": "bfloat16",
            "transformers_version": "4.51.0",
            "vision_config": llama4_vision_model.SCOUT_VISION,
        },
        "source": "https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E/blob/main/config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "vision_config": {**llama4_vision_model.SMALL, "num_hidden_layers": 1},
    "text_config": llama4_text.SMALL,
}

COMPUTE = [
    {"config": {"model_type": "llama4", **SMALL}, "model": "Llama4ForConditionalGeneration",
     "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LLaMA 4."""
    return {
        "vision_config": llama4_vision_model.random_config(rng),
        "text_config": llama4_text.random_config(rng),
        "tie_word_embeddings": rng.random() < 0.3,
    }
