"""Qwen3.5's language model (``qwen3_5_text``): small and random hybrids (a layer pattern
given or every n-th layer, grouped key/value heads, linear attention heads of their own
widths). Compute: the causal LM at 16 tokens and at 70 (the chunked delta rule pads to 128),
and a single token."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "qwen3_5_text"

RELEASED: list[dict[str, Any]] = []

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 100,
    "linear_num_key_heads": 2,
    "linear_num_value_heads": 4,
    "linear_key_head_dim": 8,
    "linear_value_head_dim": 12,
}

COMPUTE = [
    {"config": {"model_type": "qwen3_5_text", **SMALL}, "model": "Qwen3_5ForCausalLM",
     "seq": 16, "batch": 2},
    {"config": {"model_type": "qwen3_5_text", **SMALL, "linear_conv_kernel_dim": 3},
     "model": "Qwen3_5ForCausalLM", "seq": 70, "batch": 1},
    {"config": {"model_type": "qwen3_5_text", **SMALL,
                "layer_types": ["full_attention", "linear_attention", "linear_attention",
                                "full_attention"]},
     "model": "Qwen3_5ForCausalLM", "seq": 1, "batch": 3},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen3.5 language model."""
    heads = rng.choice((2, 4))
    layers = rng.randint(1, 5)
    key_heads = rng.choice((1, 2))
    config: dict[str, Any] = {
        "hidden_size": rng.randrange(16, 97, 8),
        "intermediate_size": rng.randrange(8, 150),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
        "head_dim": rng.choice((8, 16)),
        "vocab_size": rng.randrange(10, 300),
        "linear_num_key_heads": key_heads,
        "linear_num_value_heads": key_heads * rng.choice((1, 2)),
        "linear_key_head_dim": rng.choice((4, 8)),
        "linear_value_head_dim": rng.choice((4, 6, 8)),
        "linear_conv_kernel_dim": rng.randint(2, 4),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.5 or layers < 4:
        types = [rng.choice(("linear_attention", "full_attention")) for _ in range(layers)]
        types[rng.randrange(layers)] = "full_attention"
        config["layer_types"] = types
    return config
