"""SigLIP 2's vision tower (``siglip2_vision_model``): the config class's defaults, and small
and random ones. A vision tower reads pixels: no compute cases."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "siglip2_vision_model"

RELEASED: list[dict[str, Any]] = []

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "patch_size": 14,
    "num_patches": 16,
}

COMPUTE: list[dict[str, Any]] = []


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small SigLIP 2 tower, with or without its pooling head."""
    heads = rng.choice((1, 2, 4))
    return {
        "hidden_size": heads * rng.choice((4, 8, 16)),
        "intermediate_size": rng.randrange(8, 100),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_channels": rng.choice((1, 3)),
        "patch_size": rng.choice((4, 7, 8, 14, 16)),
        "num_patches": rng.randrange(4, 80),
        "vision_use_head": rng.random() < 0.5,
    }
