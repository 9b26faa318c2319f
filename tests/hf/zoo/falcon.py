"""Falcon: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "falcon"

_BASE = {
    "model_type": "falcon",
    "architectures": ["FalconForCausalLM"],
    "alibi": False,
    "apply_residual_connection_post_layernorm": False,
    "attention_dropout": 0.0,
    "bias": False,
    "bos_token_id": 11,
    "eos_token_id": 11,
    "hidden_dropout": 0.0,
    "initializer_range": 0.02,
    "layer_norm_epsilon": 1e-05,
    "parallel_attn": True,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 65024,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "FalconForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/tiiuae/{name}/blob/main/config.json",
        "published": None,  # the cards name 7B, 40B, 180B (rounded; almazrouei2023)
    }


RELEASED = [
    # multi-query attention, attention and MLP from one LayerNorm
    _released("falcon-7b", hidden_size=4544, num_attention_heads=71, num_hidden_layers=32,
              multi_query=True, new_decoder_architecture=False),
    # the new architecture: 8 key/value heads, a LayerNorm each for attention and MLP
    _released("falcon-40b", hidden_size=8192, num_attention_heads=128, num_hidden_layers=60,
              num_kv_heads=8, new_decoder_architecture=True),
    _released("falcon-180B", hidden_size=14848, num_attention_heads=232, num_hidden_layers=80,
              num_kv_heads=8, new_decoder_architecture=True, max_position_embeddings=2048),
    # ALiBi, multi-head, one layer after the other, biases, its own vocabulary
    _released("falcon-rw-1b", alibi=True, bias=True, hidden_size=2048, num_attention_heads=32,
              num_hidden_layers=24, multi_query=False, parallel_attn=False, vocab_size=50304,
              bos_token_id=1, eos_token_id=2),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "falcon", **SMALL}, "model": "FalconForCausalLM", "seq": 16,
     "batch": 2},
    {"config": {"model_type": "falcon", **SMALL, "new_decoder_architecture": True,
                "num_kv_heads": 2, "alibi": True},
     "model": "FalconForCausalLM", "seq": 10, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Falcon: multi-query, multi-head or the new architecture's groups;
    parallel or sequential; one or two norms; biases or not; its width as n_embed at
    times."""
    heads = rng.choice((2, 4, 8))
    width = heads * rng.choice((2, 4, 6))
    new = rng.random() < 0.4
    config: dict[str, Any] = {
        rng.choice(("hidden_size", "hidden_size", "n_embed")): width,
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "vocab_size": rng.randrange(10, 300),
        "new_decoder_architecture": new,
        "multi_query": rng.random() < 0.5,
        "parallel_attn": new or rng.random() < 0.6,
        "bias": rng.random() < 0.4,
        "alibi": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.7,
    }
    if new:
        config["num_kv_heads"] = rng.choice([k for k in (1, 2, 4) if heads % k == 0])
        config["num_ln_in_parallel_attn"] = rng.choice((None, 1, 2))
    if rng.random() < 0.4:
        config["ffn_hidden_size"] = rng.randrange(8, 100)
    return config
