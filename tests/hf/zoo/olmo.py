"""OLMo (the first OLMo, in transformers' format: ``-hf`` checkpoints): released
configurations (config.json as published on the Hugging Face Hub) and small and random
ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "olmo"

_BASE = {
    "model_type": "olmo",
    "architectures": ["OlmoForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": None,
    "clip_qkv": None,
    "eos_token_id": 50279,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 2048,
    "pad_token_id": 1,
    "rope_scaling": None,
    "rope_theta": 10000.0,
    "torch_dtype": "float32",
    "use_cache": True,
    "vocab_size": 50304,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "OlmoForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/allenai/{name}/blob/main/config.json",
        "published": None,  # Groeneveld et al. 2024 print 1B and 7B
    }


RELEASED = [
    _released("OLMo-1B-hf", hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
              num_attention_heads=16, num_key_value_heads=16, tie_word_embeddings=True,
              transformers_version="4.40.0.dev0"),
    _released("OLMo-7B-hf", hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
              num_attention_heads=32, num_key_value_heads=32, tie_word_embeddings=False,
              transformers_version="4.40.0.dev0"),
    _released("OLMo-7B-0424-hf", hidden_size=4096, intermediate_size=11008,
              num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
              tie_word_embeddings=False, clip_qkv=8.0, max_position_embeddings=4096,
              transformers_version="4.40.1"),
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
    """A random small OLMo: grouped-query heads, d_model not always a multiple of the heads,
    biases or not, q/k/v clipping or not (no parameter), tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16) + rng.choice((0, 0, 2)),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "clip_qkv": rng.choice((None, 8.0)),
        "tie_word_embeddings": rng.random() < 0.5,
    }
