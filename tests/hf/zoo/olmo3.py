"""OLMo 3: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "olmo3"

_BASE = {
    "model_type": "olmo3",
    "architectures": ["Olmo3ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "eos_token_id": 100257,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 65536,
    "pad_token_id": 100277,
    "rms_norm_eps": 1e-06,
    "rope_theta": 500000,
    "sliding_window": 4096,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 100278,
}

_LAYERS = ["sliding_attention"] * 3 + ["full_attention"]


def _released(name: str, layers: int, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Olmo3ForCausalLM",
        "config": {**_BASE, "num_hidden_layers": layers,
                   "layer_types": _LAYERS * (layers // 4), **fields},
        "source": f"https://huggingface.co/allenai/{name}/blob/main/config.json",
        "published": None,
    }  # fmt: skip


RELEASED = [
    _released("Olmo-3-1025-7B", 32, hidden_size=4096, intermediate_size=11008,
              num_attention_heads=32, num_key_value_heads=32),
    _released("Olmo-3-1125-32B", 64, hidden_size=5120, intermediate_size=27648,
              num_attention_heads=40, num_key_value_heads=8),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "olmo3", **SMALL, "num_hidden_layers": 5, "sliding_window": 6},
     "model": "Olmo3ForCausalLM", "seq": 16, "batch": 2},
    {"config": {"model_type": "olmo3", **SMALL, "num_hidden_layers": 3, "sliding_window": 5,
                "layer_types": ["full_attention", "sliding_attention", "sliding_attention"]},
     "model": "Olmo3ForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small OLMo 3: grouped-query heads, the default pattern of windows or a list
    of layer types, biases or not, tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    layers = rng.randint(1, 6)
    config: dict[str, Any] = {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "pad_token_id": 0,
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
        "sliding_window": rng.choice((8, 4096)),
    }
    if rng.random() < 0.5:
        config["layer_types"] = ["sliding_attention" if i % 2 == 0 else "full_attention"
                                 for i in range(layers)]  # fmt: skip
    return config
