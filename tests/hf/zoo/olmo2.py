"""OLMo 2: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "olmo2"

_BASE = {
    "model_type": "olmo2",
    "architectures": ["Olmo2ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "eos_token_id": 100257,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 4096,
    "pad_token_id": 100277,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 500000,
    "tie_word_embeddings": False,
    "torch_dtype": "float32",
    "use_cache": True,
    "vocab_size": 100352,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Olmo2ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/allenai/{name}/blob/main/config.json",
        "published": None,
    }


RELEASED = [
    _released("OLMo-2-1124-7B", hidden_size=4096, intermediate_size=11008,
              num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
              transformers_version="4.47.0.dev0"),
    _released("OLMo-2-1124-13B", hidden_size=5120, intermediate_size=13824,
              num_hidden_layers=40, num_attention_heads=40, num_key_value_heads=40,
              transformers_version="4.47.0.dev0"),
    _released("OLMo-2-0425-1B", hidden_size=2048, intermediate_size=8192,
              num_hidden_layers=16, num_attention_heads=16, num_key_value_heads=16,
              transformers_version="4.48.3"),
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
    """A random small OLMo 2: grouped-query heads, a head_dim given or following d_model,
    biases or not, tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    config: dict[str, Any] = {
        "hidden_size": heads * rng.randint(2, 16) + rng.choice((0, 0, 2)),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "pad_token_id": 0,
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.3:
        config["head_dim"] = rng.choice((4, 8, 16))
    return config
