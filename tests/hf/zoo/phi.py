"""Phi (Phi-1, Phi-1.5, Phi-2): released configurations (config.json as published on the
Hugging Face Hub) and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "phi"

RELEASED = [
    {
        "name": "phi-2",
        "model": "PhiForCausalLM",
        "config": {
            "_name_or_path": "microsoft/phi-2",
            "architectures": ["PhiForCausalLM"],
            "auto_map": {
                "AutoConfig": "configuration_phi.PhiConfig",
                "AutoModelForCausalLM": "modeling_phi.PhiForCausalLM",
            },
            "attention_dropout": 0.0,
            "bos_token_id": 50256,
            "embd_pdrop": 0.0,
            "eos_token_id": 50256,
            "hidden_act": "gelu_new",
            "hidden_size": 2560,
            "initializer_range": 0.02,
            "intermediate_size": 10240,
            "layer_norm_eps": 1e-05,
            "max_position_embeddings": 2048,
            "model_type": "phi",
            "num_attention_heads": 32,
            "num_hidden_layers": 32,
            "num_key_value_heads": 32,
            "partial_rotary_factor": 0.4,
            "qk_layernorm": False,
            "resid_pdrop": 0.1,
            "rope_scaling": None,
            "rope_theta": 10000.0,
            "tie_word_embeddings": False,
            "torch_dtype": "float16",
            "transformers_version": "4.37.0",
            "use_cache": True,
            "vocab_size": 51200,
        },
        "source": "https://github.com/henryhmko/VLM_interpretability/blob/"
        "53ca1a97573e0a0133c7c3949a9caa84a44a2449/phi-2/config.json",
        # The card states 2.7 billion parameters (explorer/papers/data/li2023.toml).
        "published": None,
    },
    {
        "name": "phi-1_5",
        "model": "PhiForCausalLM",
        "config": {
            "architectures": ["PhiForCausalLM"],
            "attention_dropout": 0.0,
            "embd_pdrop": 0.0,
            "hidden_act": "gelu_new",
            "hidden_size": 2048,
            "initializer_range": 0.02,
            "intermediate_size": 8192,
            "layer_norm_eps": 1e-05,
            "max_position_embeddings": 2048,
            "model_type": "phi",
            "num_attention_heads": 32,
            "num_hidden_layers": 24,
            "num_key_value_heads": None,
            "partial_rotary_factor": 0.5,
            "qk_layernorm": False,
            "resid_pdrop": 0.0,
            "rope_scaling": None,
            "rope_theta": 10000.0,
            "tie_word_embeddings": False,
            "torch_dtype": "float16",
            "transformers_version": "4.37.0",
            "use_cache": True,
            "vocab_size": 51200,
        },
        "source": "https://huggingface.co/microsoft/phi-1_5/blob/main/config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "phi", **SMALL, "qk_layernorm": True},
     "model": "PhiForCausalLM", "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Phi: grouped-query heads or not, d_model not always a multiple of the
    heads (head_dim floors), query/key LayerNorms or not, tied or not."""
    heads = rng.choice((2, 4, 8))
    kv = rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0])
    return {
        "hidden_size": rng.randrange(16, 129, 2),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": kv,
        "vocab_size": rng.randrange(10, 300),
        "qk_layernorm": rng.random() < 0.5,
        "tie_word_embeddings": rng.random() < 0.3,
        "partial_rotary_factor": rng.choice((0.4, 0.5, 1.0)),
    }
