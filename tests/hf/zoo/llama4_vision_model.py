"""LLaMA 4's vision tower (``llama4_vision_model``): Llama 4 Scout's vision config, and small
and random ones. A vision tower reads pixels: no compute cases."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "llama4_vision_model"

#: The vision_config of meta-llama/Llama-4-Scout-17B-16E.
SCOUT_VISION: dict[str, Any] = {
    "model_type": "llama4_vision_model",
    "attention_dropout": 0.0,
    "hidden_act": "gelu",
    "hidden_size": 1408,
    "image_size": 336,
    "initializer_range": 0.02,
    "intermediate_size": 5632,
    "multi_modal_projector_bias": False,
    "norm_eps": 1e-05,
    "num_attention_heads": 16,
    "num_channels": 3,
    "num_hidden_layers": 34,
    "patch_size": 14,
    "pixel_shuffle_ratio": 0.5,
    "projector_dropout": 0.0,
    "projector_input_dim": 4096,
    "projector_output_dim": 4096,
    "rope_theta": 10000,
    "vision_feature_layer": -1,
    "vision_feature_select_strategy": "default",
    "vision_output_dim": 4096,
}

RELEASED = [
    {
        "name": "Llama-4-Scout-17B-16E-vision",
        "model": "Llama4VisionModel",
        "config": SCOUT_VISION,
        "source": "https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E/blob/main/config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "image_size": 56,
    "patch_size": 14,
    "projector_input_dim": 40,
    "projector_output_dim": 48,
    "vision_output_dim": 48,
}

COMPUTE: list[dict[str, Any]] = []


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LLaMA 4 vision tower."""
    heads = rng.choice((1, 2, 4))
    return {
        "hidden_size": heads * rng.choice((4, 8, 16)),
        "intermediate_size": rng.randrange(8, 100),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_channels": rng.choice((1, 3)),
        "image_size": rng.randrange(16, 80),
        "patch_size": rng.choice((4, 7, 8, 14)),
        "projector_input_dim": rng.randrange(4, 60),
        "projector_output_dim": rng.randrange(4, 60),
    }
