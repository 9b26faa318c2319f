"""Phi-3 (and Phi-4-mini, of the same model type): released configurations (config.json as
published on the Hugging Face Hub) and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "phi3"

_BASE = {
    "model_type": "phi3",
    "architectures": ["Phi3ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 1,
    "embd_pdrop": 0.0,
    "eos_token_id": 32000,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 4096,
    "original_max_position_embeddings": 4096,
    "pad_token_id": 32000,
    "resid_pdrop": 0.0,
    "rms_norm_eps": 1e-05,
    "rope_scaling": None,
    "rope_theta": 10000.0,
    "sliding_window": 2047,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 32064,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Phi3ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/microsoft/{name}/blob/main/config.json",
        # The cards state 3.8B and 14B (explorer/papers/data/abdin2024.toml), no exact total.
        "published": None,
    }


RELEASED = [
    _released("Phi-3-mini-4k-instruct", hidden_size=3072, intermediate_size=8192,
              num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
              transformers_version="4.40.2"),
    _released("Phi-3-medium-4k-instruct", hidden_size=5120, intermediate_size=17920,
              num_hidden_layers=40, num_attention_heads=40, num_key_value_heads=10,
              transformers_version="4.39.3"),
    _released("Phi-4-mini-instruct", hidden_size=3072, intermediate_size=8192,
              num_hidden_layers=32, num_attention_heads=24, num_key_value_heads=8,
              vocab_size=200064, tie_word_embeddings=True, partial_rotary_factor=0.75,
              max_position_embeddings=131072, sliding_window=262144, bos_token_id=199999,
              eos_token_id=199999, pad_token_id=199999, full_attn_mod=1, lm_head_bias=False,
              interpolate_factor=1, transformers_version="4.45.0"),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
    "pad_token_id": 0,
}

COMPUTE = [
    {"config": {"model_type": "phi3", **SMALL}, "model": "Phi3ForCausalLM", "seq": 16,
     "batch": 2},
    {"config": {"model_type": "phi3", **SMALL, "sliding_window": 7},
     "model": "Phi3ForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Phi-3: grouped-query heads, head_dim from d_model or given, a window or
    not, tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    config: dict[str, Any] = {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "pad_token_id": 0,
        "tie_word_embeddings": rng.random() < 0.5,
        "sliding_window": rng.choice((None, 8, 2047)),
    }
    if rng.random() < 0.3:
        config["head_dim"] = rng.choice((4, 8, 16))
    return config
