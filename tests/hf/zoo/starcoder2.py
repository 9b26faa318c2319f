"""StarCoder2: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "starcoder2"

_BASE = {
    "model_type": "starcoder2",
    "architectures": ["Starcoder2ForCausalLM"],
    "activation_function": "gelu",
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "embedding_dropout": 0.1,
    "eos_token_id": 0,
    "hidden_act": "gelu_pytorch_tanh",
    "initializer_range": 0.018042,
    "layer_norm_epsilon": 1e-05,
    "max_position_embeddings": 16384,
    "mlp_type": "default",
    "norm_epsilon": 1e-05,
    "norm_type": "layer_norm",
    "residual_dropout": 0.1,
    "rope_theta": 999999.4420358813,
    "sliding_window": 4096,
    "torch_dtype": "float32",
    "use_bias": True,
    "use_cache": True,
    "vocab_size": 49152,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Starcoder2ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/bigcode/{name}/blob/main/config.json",
        "published": None,  # Lozhkov et al. 2024 name them 3B, 7B and 15B
    }


RELEASED = [
    _released("starcoder2-3b", hidden_size=3072, intermediate_size=12288,
              num_hidden_layers=30, num_attention_heads=24, num_key_value_heads=2,
              transformers_version="4.37.0.dev0"),
    _released("starcoder2-7b", hidden_size=4608, intermediate_size=18432,
              num_hidden_layers=32, num_attention_heads=36, num_key_value_heads=4,
              transformers_version="4.37.0.dev0"),
    _released("starcoder2-15b", hidden_size=6144, intermediate_size=24576,
              num_hidden_layers=40, num_attention_heads=48, num_key_value_heads=4,
              rope_theta=100000, initializer_range=0.01275, tie_word_embeddings=False,
              transformers_version="4.37.0.dev0"),
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
    {"config": {"model_type": "starcoder2", **SMALL, "sliding_window": 7},
     "model": "Starcoder2ForCausalLM", "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small StarCoder2: grouped-query heads, d_model not always a multiple of the
    heads, biases or not, a window or not, tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16) + rng.choice((0, 0, 2)),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "use_bias": rng.random() < 0.7,
        "sliding_window": rng.choice((None, 8, 4096)),
        "tie_word_embeddings": rng.random() < 0.7,
    }
