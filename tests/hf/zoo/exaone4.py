"""EXAONE 4: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "exaone4"

_BASE = {
    "model_type": "exaone4",
    "architectures": ["Exaone4ForCausalLM"],
    "attention_dropout": 0.0,
    "bos_token_id": 1,
    "eos_token_id": 361,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "num_key_value_heads": 8,
    "pad_token_id": 0,
    "rms_norm_eps": 1e-05,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 102400,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "Exaone4ForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/LGAI-EXAONE/{name}/blob/main/config.json",
        # The cards state the parameters without the embedding and the LM head: 30.95B and
        # 1.07B (explorer/papers/data/exaone2025.toml).
        "published": None,
    }


RELEASED = [
    _released("EXAONE-4.0-32B", hidden_size=5120, intermediate_size=27392,
              num_hidden_layers=64, num_attention_heads=40, head_dim=128,
              max_position_embeddings=131072, sliding_window=4096,
              sliding_window_pattern="LLLG",
              layer_types=(["sliding_attention"] * 3 + ["full_attention"]) * 16,
              rope_scaling={"factor": 16.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                            "original_max_position_embeddings": 8192, "rope_type": "llama3"},
              rope_theta=1000000, tie_word_embeddings=False,
              transformers_version="4.54.0.dev0"),
    _released("EXAONE-4.0-1.2B", hidden_size=2048, intermediate_size=4096,
              num_hidden_layers=30, num_attention_heads=32, head_dim=64,
              max_position_embeddings=65536, sliding_window=None,
              sliding_window_pattern=None, layer_types=["full_attention"] * 30,
              rope_scaling={"factor": 16.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                            "original_max_position_embeddings": 8192, "rope_type": "llama3"},
              rope_theta=1000000, tie_word_embeddings=True,
              transformers_version="4.54.0.dev0"),
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
    {"config": {"model_type": "exaone4", **SMALL, "num_hidden_layers": 5, "sliding_window": 6},
     "model": "Exaone4ForCausalLM", "seq": 16, "batch": 2},
    {"config": {"model_type": "exaone4", **SMALL, "sliding_window": 5,
                "layer_types": ["sliding_attention", "full_attention"]},
     "model": "Exaone4ForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small EXAONE 4: grouped-query heads, a head_dim given or following d_model,
    the window's period or a list of layer types, tied or not."""
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
        "sliding_window": rng.choice((8, 4096)),
        "sliding_window_pattern": rng.randint(2, 4),
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.3:
        config["head_dim"] = rng.choice((4, 8, 16))
    if rng.random() < 0.3:
        config["sliding_window"] = None
        config["layer_types"] = ["full_attention"] * layers
    return config
