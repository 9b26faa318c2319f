"""StableLM (StableLM-3B-4E1T, StableLM 2): released configurations (config.json as
published on the Hugging Face Hub) and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "stablelm"

_BASE = {
    "model_type": "stablelm",
    "architectures": ["StableLmForCausalLM"],
    "attention_dropout": 0.0,
    "hidden_act": "silu",
    "hidden_dropout": 0.0,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-05,
    "max_position_embeddings": 4096,
    "partial_rotary_factor": 0.25,
    "qk_layernorm": False,
    "rope_scaling": None,
    "rope_theta": 10000,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "use_parallel_residual": False,
    "use_qkv_bias": False,
}


def _released(name: str, published: int | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "StableLmForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/stabilityai/{name}/blob/main/config.json",
        # the 3B card's table states 2,795,443,200; the StableLM 2 cards 1.6B and 12.1B
        # (explorer/papers/data/tow2023.toml)
        "published": published,
    }


RELEASED = [
    _released("stablelm-3b-4e1t", 2_795_443_200, hidden_size=2560, intermediate_size=6912,
              num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
              vocab_size=50304, bos_token_id=0, eos_token_id=0,
              transformers_version="4.38.0"),
    _released("stablelm-2-1_6b", hidden_size=2048, intermediate_size=5632,
              num_hidden_layers=24, num_attention_heads=32, num_key_value_heads=32,
              vocab_size=100352, use_qkv_bias=True, bos_token_id=100257,
              eos_token_id=100257, transformers_version="4.38.0"),
    _released("stablelm-2-12b", hidden_size=5120, intermediate_size=13824,
              num_hidden_layers=40, num_attention_heads=32, num_key_value_heads=8,
              vocab_size=100352, qk_layernorm=True, use_parallel_residual=True,
              bos_token_id=100257, eos_token_id=100257, transformers_version="4.40.0"),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
    "qk_layernorm": True,
    "use_parallel_residual": True,
}

COMPUTE = [
    {"config": {"model_type": "stablelm", **SMALL}, "model": "StableLmForCausalLM",
     "seq": 16, "batch": 2},
    {"config": {"model_type": "stablelm", **SMALL, "use_parallel_residual": False,
                "use_qkv_bias": True},
     "model": "StableLmForCausalLM", "seq": 9, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small StableLM: heads dividing d_model, grouped-query heads, each switch
    (q/k/v biases, per-head q/k LayerNorms, parallel attention and MLP) on or off."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "use_qkv_bias": rng.random() < 0.5,
        "qk_layernorm": rng.random() < 0.5,
        "use_parallel_residual": rng.random() < 0.5,
        "tie_word_embeddings": rng.random() < 0.3,
    }
