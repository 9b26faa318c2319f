"""Gemma 2: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "gemma2"

_BASE = {
    "model_type": "gemma2",
    "architectures": ["Gemma2ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "attn_logit_softcapping": 50.0,
    "bos_token_id": 2,
    "cache_implementation": "hybrid",
    "eos_token_id": 1,
    "final_logit_softcapping": 30.0,
    "hidden_act": "gelu_pytorch_tanh",
    "hidden_activation": "gelu_pytorch_tanh",
    "initializer_range": 0.02,
    "max_position_embeddings": 8192,
    "pad_token_id": 0,
    "rms_norm_eps": 1e-06,
    "rope_theta": 10000.0,
    "sliding_window": 4096,
    "torch_dtype": "float32",
    "use_cache": True,
    "vocab_size": 256000,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Gemma2ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/google/{name}/blob/main/config.json",
        # The Gemma 2 report (arXiv:2408.00118, Table 2) states embedding and non-embedding
        # parameters, not a total: explorer/papers/data/gemma2024.toml checks them.
        "published": None,
    }


RELEASED = [
    _released("gemma-2-2b", hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
              num_attention_heads=8, num_key_value_heads=4, head_dim=256,
              query_pre_attn_scalar=256, transformers_version="4.42.4"),
    _released("gemma-2-9b", hidden_size=3584, intermediate_size=14336, num_hidden_layers=42,
              num_attention_heads=16, num_key_value_heads=8, head_dim=256,
              query_pre_attn_scalar=256, sliding_window_size=4096,
              transformers_version="4.42.0.dev0"),
    _released("gemma-2-27b", hidden_size=4608, intermediate_size=36864, num_hidden_layers=46,
              num_attention_heads=32, num_key_value_heads=16, head_dim=128,
              query_pre_attn_scalar=144, sliding_window_size=4096,
              transformers_version="4.42.0.dev0"),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "gemma2", **SMALL, "sliding_window": 6},
     "model": "Gemma2ForCausalLM", "seq": 16, "batch": 2},
    {"config": {"model_type": "gemma2", **SMALL, "num_hidden_layers": 4, "sliding_window": 5,
                "layer_types": ["full_attention"] + ["sliding_attention"] * 3},
     "model": "Gemma2ForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Gemma 2: grouped-query heads dividing d_model, a head_dim of its own,
    tied or not, biases or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 4),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "head_dim": rng.choice((4, 8, 16, 32)),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.7,
        "sliding_window": rng.choice((8, 64, 4096)),
    }
