"""Qwen3: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "qwen3"

_BASE = {
    "model_type": "qwen3",
    "architectures": ["Qwen3ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 40960,
    "max_window_layers": 28,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 1000000,
    "sliding_window": None,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.51.0",
    "use_cache": True,
    "use_sliding_window": False,
    "vocab_size": 151936,
}


def _released(name: str, published: int | None, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Qwen3ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/Qwen/{name}/blob/main/config.json",
        "published": published,
    }


RELEASED = [
    # Qwen3-0.6B: the card states 0.6B (0.44B non-embedding); tied embeddings.
    _released("Qwen3-0.6B", None, hidden_size=1024, intermediate_size=3072,
              num_attention_heads=16, num_hidden_layers=28, num_key_value_heads=8,
              head_dim=128, tie_word_embeddings=True),
    _released("Qwen3-4B", None, hidden_size=2560, intermediate_size=9728,
              num_attention_heads=32, num_hidden_layers=36, num_key_value_heads=8,
              head_dim=128, tie_word_embeddings=True, max_window_layers=36),
    _released("Qwen3-8B", None, hidden_size=4096, intermediate_size=12288,
              num_attention_heads=32, num_hidden_layers=36, num_key_value_heads=8,
              head_dim=128, tie_word_embeddings=False, max_window_layers=36),
    _released("Qwen3-32B", None, hidden_size=5120, intermediate_size=25600,
              num_attention_heads=64, num_hidden_layers=64, num_key_value_heads=8,
              head_dim=128, tie_word_embeddings=False, max_window_layers=64),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "qwen3", **SMALL}, "model": "Qwen3ForCausalLM", "seq": 16,
     "batch": 2},
    {"config": {"model_type": "qwen3", **SMALL, "use_sliding_window": True, "sliding_window": 6,
                "max_window_layers": 1},
     "model": "Qwen3ForCausalLM", "seq": 20, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen3: grouped-query heads, a head_dim of its own, biases or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": rng.randrange(16, 129, 8),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "head_dim": rng.choice((4, 8, 16, 32)),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
