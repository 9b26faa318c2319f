"""Pixtral's vision tower (``pixtral``): the tower Mistral Small 3.1 ships, and small and
random ones. A vision tower reads pixels: no compute cases."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "pixtral"

RELEASED = [
    {
        "name": "mistral-small-3.1-24b-vision-tower",
        "model": "PixtralVisionModel",
        # the vision_config of mistralai/Mistral-Small-3.1-24B-Instruct-2503
        "config": {
            "model_type": "pixtral",
            "attention_dropout": 0.0,
            "head_dim": 64,
            "hidden_act": "silu",
            "hidden_size": 1024,
            "image_size": 1540,
            "initializer_range": 0.02,
            "intermediate_size": 4096,
            "num_attention_heads": 16,
            "num_channels": 3,
            "num_hidden_layers": 24,
            "patch_size": 14,
            "rope_theta": 10000.0,
        },
        "source": "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/"
        "config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "patch_size": 14,
}

COMPUTE: list[dict[str, Any]] = []


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Pixtral tower."""
    heads = rng.choice((1, 2, 4))
    return {
        "hidden_size": heads * rng.choice((4, 8, 16)),
        "intermediate_size": rng.randrange(8, 100),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_channels": rng.choice((1, 3)),
        "patch_size": rng.choice((4, 7, 8, 14, 16)),
    }
