"""Mistral 3 (``mistral3``): Mistral Small 3.1 as released (Pixtral tower, a 40-layer
Mistral), and small and random ones (several feature layers, merge sizes, projector biases,
tied or not). Compute: a text-only forward pass."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "mistral3"

MISTRAL_SMALL_31: dict[str, Any] = {
    "architectures": ["Mistral3ForConditionalGeneration"],
    "image_token_index": 10,
    "model_type": "mistral3",
    "multimodal_projector_bias": False,
    "projector_hidden_act": "gelu",
    "spatial_merge_size": 2,
    "text_config": {
        "attention_dropout": 0.0,
        "head_dim": 128,
        "hidden_act": "silu",
        "hidden_size": 5120,
        "initializer_range": 0.02,
        "intermediate_size": 32768,
        "max_position_embeddings": 131072,
        "model_type": "mistral",
        "num_attention_heads": 32,
        "num_hidden_layers": 40,
        "num_key_value_heads": 8,
        "rms_norm_eps": 1e-05,
        "rope_theta": 1000000000.0,
        "sliding_window": None,
        "use_cache": True,
        "vocab_size": 131072,
    },
    "torch_dtype": "bfloat16",
    "transformers_version": "4.50.0.dev0",
    "vision_config": {
        "attention_dropout": 0.0,
        "head_dim": 64,
        "hidden_act": "silu",
        "hidden_size": 1024,
        "image_size": 1540,
        "initializer_range": 0.02,
        "intermediate_size": 4096,
        "model_type": "pixtral",
        "num_attention_heads": 16,
        "num_channels": 3,
        "num_hidden_layers": 24,
        "patch_size": 14,
        "rope_theta": 10000.0,
    },
    "vision_feature_layer": -1,
}

RELEASED = [
    {
        "name": "Mistral-Small-3.1-24B-Instruct-2503",
        "model": "Mistral3ForConditionalGeneration",
        "config": MISTRAL_SMALL_31,
        "source": "https://huggingface.co/mistralai/Mistral-Small-3.1-24B-Instruct-2503/blob/main/"
        "config.json",
        "published": None,
        # the file gives no tie_word_embeddings: transformers 5 takes Mistral3Config's default
        # (tied), so the LM head shares the token embedding (23.34B); the checkpoint stores it
        # apart (24.01B, "24B" on the card)
    },
]

_VISION = {
    "model_type": "pixtral",
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "patch_size": 14,
}
_TEXT = {
    "model_type": "mistral",
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 100,
}

SMALL: dict[str, Any] = {"vision_config": _VISION, "text_config": _TEXT}

COMPUTE = [
    {"config": {"model_type": "mistral3", **SMALL}, "model": "Mistral3ForConditionalGeneration",
     "seq": 16, "batch": 2},
    {"config": {"model_type": "mistral3", **SMALL, "tie_word_embeddings": False,
                "text_config": {**_TEXT, "sliding_window": 6}},
     "model": "Mistral3ForConditionalGeneration", "seq": 20, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Mistral 3."""
    vision_heads = rng.choice((1, 2, 4))
    heads = rng.choice((2, 4))
    return {
        "vision_config": {
            "model_type": "pixtral",
            "hidden_size": vision_heads * rng.choice((4, 8)),
            "intermediate_size": rng.randrange(8, 60),
            "num_hidden_layers": rng.randint(1, 4),
            "num_attention_heads": vision_heads,
            "patch_size": rng.choice((7, 8, 14)),
        },
        "text_config": {
            "model_type": "mistral",
            "hidden_size": heads * rng.choice((8, 16)),
            "intermediate_size": rng.randrange(8, 120),
            "num_hidden_layers": rng.randint(1, 3),
            "num_attention_heads": heads,
            "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
            "head_dim": rng.choice((8, 16)),
            "vocab_size": rng.randrange(10, 200),
        },
        "vision_feature_layer": rng.choice((-1, [-1, -2])),
        "spatial_merge_size": rng.choice((1, 2, 3)),
        "multimodal_projector_bias": rng.random() < 0.5,
        "tie_word_embeddings": rng.random() < 0.5,
    }
