"""Granite: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "granite"

_BASE = {
    "model_type": "granite",
    "architectures": ["GraniteForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "embedding_multiplier": 12.0,
    "eos_token_id": 0,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 4096,
    "mlp_bias": False,
    "num_key_value_heads": 8,
    "pad_token_id": 0,
    "residual_multiplier": 0.22,
    "rms_norm_eps": 1e-05,
    "rope_scaling": None,
    "rope_theta": 10000.0,
    "tie_word_embeddings": True,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 49155,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "GraniteForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/ibm-granite/{name}/blob/main/config.json",
        "published": None,
    }


RELEASED = [
    _released("granite-3.0-2b-base", hidden_size=2048, intermediate_size=8192,
              num_hidden_layers=40, num_attention_heads=32, attention_multiplier=0.015625,
              logits_scaling=8.0, transformers_version="4.46.0.dev0"),
    _released("granite-3.0-8b-base", hidden_size=4096, intermediate_size=12800,
              num_hidden_layers=40, num_attention_heads=32, attention_multiplier=0.0078125,
              logits_scaling=16.0, transformers_version="4.46.0.dev0"),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
}


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Granite: grouped-query heads, biases or not, its multipliers (no
    parameter), tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "mlp_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
        "embedding_multiplier": rng.choice((1.0, 12.0)),
        "logits_scaling": rng.choice((1.0, 8.0)),
    }
