"""LFM2 (``lfm2``): LFM2-1.2B as released (its legacy keys: ``block_ff_dim``,
``full_attn_idxs``), and small and random hybrids (any pattern of attention and convolution
layers, LFM2's MLP rule on or off, convolution biases). Compute: the default causal LM at
16 tokens, and a prefill shorter than the convolution's kernel."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "lfm2"

RELEASED = [
    {
        "name": "LFM2-1.2B",
        "model": "Lfm2ForCausalLM",
        # as a public copy gives it, trimmed of keys no count reads (token ids, dtype)
        "config": {
            "architectures": ["Lfm2ForCausalLM"],
            "block_auto_adjust_ff_dim": True,
            "block_dim": 2048,
            "block_ff_dim": 12288,
            "block_multiple_of": 256,
            "block_norm_eps": 1e-05,
            "block_use_swiglu": True,
            "conv_L_cache": 3,
            "conv_bias": False,
            "conv_dim": 2048,
            "full_attn_idxs": [2, 5, 8, 10, 12, 14],
            "hidden_size": 2048,
            "max_position_embeddings": 128000,
            "model_type": "lfm2",
            "norm_eps": 1e-05,
            "num_attention_heads": 32,
            "num_heads": 32,
            "num_hidden_layers": 16,
            "num_key_value_heads": 8,
            "rope_theta": 1000000.0,
            "use_cache": True,
            "vocab_size": 65536,
        },
        "source": "https://huggingface.co/LiquidAI/LFM2-1.2B/blob/main/config.json",
        # the model card's table: 1,170,340,608 parameters (tied embeddings)
        "published": 1170340608,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
    "layer_types": ["conv", "full_attention", "conv"],
    "block_multiple_of": 32,
}

COMPUTE = [
    {"config": {"model_type": "lfm2", **SMALL}, "model": "Lfm2ForCausalLM", "seq": 16,
     "batch": 2},
    {"config": {"model_type": "lfm2", **SMALL, "conv_L_cache": 4, "conv_bias": True},
     "model": "Lfm2ForCausalLM", "seq": 2, "batch": 3},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LFM2: a layer pattern, the MLP rule on or off."""
    heads = rng.choice((2, 4))
    layers = rng.randint(1, 4)
    types = [rng.choice(("conv", "full_attention")) for _ in range(layers)]
    types[rng.randrange(layers)] = "full_attention"
    config: dict[str, Any] = {
        "hidden_size": heads * rng.choice((8, 16)),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
        "vocab_size": rng.randrange(10, 300),
        "layer_types": types,
        "conv_L_cache": rng.randint(2, 5),
        "conv_bias": rng.random() < 0.3,
        "block_auto_adjust_ff_dim": rng.random() < 0.6,
        "block_multiple_of": rng.choice((8, 16, 32)),
        "block_ffn_dim_multiplier": rng.choice((1.0, 1.5, 2)),
        "tie_word_embeddings": rng.random() < 0.5,
    }
    return config
