"""Qwen3.5's vision tower (``qwen3_5_vision``): small and random ones. A vision tower reads
pixels: no compute cases."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "qwen3_5_vision"

RELEASED: list[dict[str, Any]] = []

SMALL: dict[str, Any] = {
    "depth": 2,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_heads": 2,
    "patch_size": 8,
    "num_position_embeddings": 64,
    "out_hidden_size": 40,
}

COMPUTE: list[dict[str, Any]] = []


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen3.5 vision tower."""
    heads = rng.choice((1, 2, 4))
    return {
        "depth": rng.randint(1, 3),
        "hidden_size": heads * rng.choice((4, 8)),
        "intermediate_size": rng.randrange(8, 80),
        "num_heads": heads,
        "in_channels": rng.choice((1, 3)),
        "patch_size": rng.choice((4, 8, 14)),
        "temporal_patch_size": rng.choice((1, 2)),
        "spatial_merge_size": rng.choice((1, 2, 3)),
        "num_position_embeddings": rng.randrange(4, 100),
        "out_hidden_size": rng.randrange(8, 64),
    }
