"""Cohere (Command R, Command R+, Aya 23): released configurations (config.json as published
on the Hugging Face Hub) and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "cohere"

_BASE = {
    "model_type": "cohere",
    "architectures": ["CohereForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 5,
    "eos_token_id": 255001,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-05,
    "pad_token_id": 0,
    "torch_dtype": "float16",
    "use_cache": True,
    "use_qk_norm": False,
    "vocab_size": 256000,
}


def _released(name: str, org: str = "CohereForAI", **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "CohereForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/{org}/{name}/blob/main/config.json",
        "published": None,  # the cards state 35B, 104B and 8B (explorer/papers/data)
    }


RELEASED = [
    _released("c4ai-command-r-v01", hidden_size=8192, intermediate_size=22528,
              num_hidden_layers=40, num_attention_heads=64, num_key_value_heads=64,
              logit_scale=0.0625, max_position_embeddings=8192, rope_theta=8000000.0,
              transformers_version="4.38.2"),
    _released("c4ai-command-r-plus", hidden_size=12288, intermediate_size=33792,
              num_hidden_layers=64, num_attention_heads=96, num_key_value_heads=8,
              logit_scale=0.8333333333333334, max_position_embeddings=8192,
              rope_theta=75000000.0, use_qk_norm=True, transformers_version="4.40.0.dev0"),
    _released("aya-23-8B", hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
              num_attention_heads=32, num_key_value_heads=8, logit_scale=0.125,
              max_position_embeddings=8192, rope_theta=10000, transformers_version="4.40.0"),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
    "use_qk_norm": True,
}


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Cohere: grouped-query heads, query/key norms or not, biases or not,
    tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "use_qk_norm": rng.random() < 0.5,
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.7,
    }
