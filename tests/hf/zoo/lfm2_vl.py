"""LFM2-VL (``lfm2_vl``): the config class's defaults, and small and random ones (a SigLIP 2
tower, an LFM2 hybrid, the projector's norm and biases on or off). Compute: a text-only
forward pass."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "lfm2_vl"

RELEASED: list[dict[str, Any]] = []

_VISION = {
    "model_type": "siglip2_vision_model",
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "patch_size": 14,
    "num_patches": 16,
    "vision_use_head": False,
}
_TEXT = {
    "model_type": "lfm2",
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
    "layer_types": ["conv", "full_attention", "conv"],
    "block_multiple_of": 32,
}

SMALL: dict[str, Any] = {
    "vision_config": _VISION,
    "text_config": _TEXT,
    "projector_hidden_size": 40,
}

COMPUTE = [
    {"config": {"model_type": "lfm2_vl", **SMALL}, "model": "Lfm2VlForConditionalGeneration",
     "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LFM2-VL."""
    vision_heads = rng.choice((1, 2, 4))
    heads = rng.choice((2, 4))
    layers = rng.randint(1, 3)
    types = [rng.choice(("conv", "full_attention")) for _ in range(layers)]
    types[0] = "full_attention"
    return {
        "vision_config": {
            "model_type": "siglip2_vision_model",
            "hidden_size": vision_heads * rng.choice((4, 8)),
            "intermediate_size": rng.randrange(8, 60),
            "num_hidden_layers": rng.randint(1, 3),
            "num_attention_heads": vision_heads,
            "patch_size": rng.choice((7, 8, 14)),
            "num_patches": rng.randrange(4, 40),
            "vision_use_head": rng.random() < 0.5,
        },
        "text_config": {
            "model_type": "lfm2",
            "hidden_size": heads * rng.choice((8, 16)),
            "intermediate_size": rng.randrange(8, 120),
            "num_hidden_layers": layers,
            "num_attention_heads": heads,
            "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
            "vocab_size": rng.randrange(10, 200),
            "layer_types": types,
            "block_auto_adjust_ff_dim": rng.random() < 0.5,
            "block_multiple_of": 16,
        },
        "downsample_factor": rng.choice((1, 2, 3)),
        "projector_hidden_size": rng.randrange(8, 64),
        "projector_bias": rng.random() < 0.7,
        "projector_use_layernorm": rng.random() < 0.7,
        "tie_word_embeddings": rng.random() < 0.5,
    }
