"""Gemma 3's text model (model type ``gemma3_text``: Gemma 3 1B and 270M; the larger Gemma 3
models are composite, a vision tower around this text model): released configurations
(config.json as published on the Hugging Face Hub) and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "gemma3_text"

_BASE = {
    "model_type": "gemma3_text",
    "architectures": ["Gemma3ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "attn_logit_softcapping": None,
    "bos_token_id": 2,
    "cache_implementation": "hybrid",
    "eos_token_id": [1, 106],
    "final_logit_softcapping": None,
    "head_dim": 256,
    "hidden_activation": "gelu_pytorch_tanh",
    "initializer_range": 0.02,
    "max_position_embeddings": 32768,
    "num_attention_heads": 4,
    "num_key_value_heads": 1,
    "pad_token_id": 0,
    "query_pre_attn_scalar": 256,
    "rms_norm_eps": 1e-06,
    "rope_local_base_freq": 10000,
    "rope_scaling": None,
    "rope_theta": 1000000,
    "sliding_window": 512,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 262144,
}

_PATTERN = ["sliding_attention"] * 5 + ["full_attention"]

RELEASED = [
    {
        "name": "gemma-3-1b-it",
        "model": "Gemma3ForCausalLM",
        "config": {**_BASE, "hidden_size": 1152, "intermediate_size": 6912,
                   "num_hidden_layers": 26, "sliding_window_pattern": 6,
                   "transformers_version": "4.50.0.dev0"},
        "source": "https://huggingface.co/google/gemma-3-1b-it/blob/main/config.json",
        # The Gemma 3 report (arXiv:2503.19786, Table 1): 302M embedding, 698M non-embedding
        # parameters (explorer/papers/data/gemma2024.toml), no total.
        "published": None,
    },
    {
        "name": "gemma-3-270m",
        "model": "Gemma3ForCausalLM",
        "config": {**_BASE, "eos_token_id": 1, "hidden_size": 640, "intermediate_size": 2048,
                   "num_hidden_layers": 18, "layer_types": _PATTERN * 3,
                   "_sliding_window_pattern": 6, "use_bidirectional_attention": False,
                   "transformers_version": "4.55.0.dev0"},
        "source": "https://huggingface.co/google/gemma-3-270m/blob/main/config.json",
        "published": None,
    },
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
    {"config": {"model_type": "gemma3_text", **SMALL, "sliding_window": 6,
                "sliding_window_pattern": 2},
     "model": "Gemma3ForCausalLM", "seq": 16, "batch": 2},
    {"config": {"model_type": "gemma3_text", **SMALL, "num_hidden_layers": 7,
                "sliding_window": 5},
     "model": "Gemma3ForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Gemma 3 text model: grouped-query heads dividing d_model, a head_dim of
    its own, a window pattern given as a period or as layer_types."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    layers = rng.randint(1, 7)
    config: dict[str, Any] = {
        "hidden_size": heads * rng.randint(2, 16),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "head_dim": rng.choice((4, 8, 16, 32)),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.7,
        "sliding_window": rng.choice((8, 512)),
    }
    if rng.random() < 0.5:
        config["sliding_window_pattern"] = rng.randint(2, 4)
    elif rng.random() < 0.5:
        config["layer_types"] = ["sliding_attention" if i % 3 < 2 else "full_attention"
                                 for i in range(layers)]  # fmt: skip
    return config
