"""GPT-J: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "gptj"

RELEASED = [
    {
        "name": "gpt-j-6b",
        "model": "GPTJForCausalLM",
        "config": {
            "model_type": "gptj",
            "architectures": ["GPTJForCausalLM"],
            "activation_function": "gelu_new",
            "attn_pdrop": 0.0,
            "bos_token_id": 50256,
            "embd_pdrop": 0.0,
            "eos_token_id": 50256,
            "gradient_checkpointing": False,
            "initializer_range": 0.02,
            "layer_norm_epsilon": 1e-05,
            "n_embd": 4096,
            "n_head": 16,
            "n_inner": None,
            "n_layer": 28,
            "n_positions": 2048,
            "resid_pdrop": 0.0,
            "rotary": True,
            "rotary_dim": 64,
            "scale_attn_weights": True,
            "summary_activation": None,
            "summary_first_dropout": 0.1,
            "summary_proj_to_labels": True,
            "summary_type": "cls_index",
            "summary_use_proj": True,
            "tie_word_embeddings": False,
            "tokenizer_class": "GPT2Tokenizer",
            "use_cache": True,
            "vocab_size": 50400,
        },
        "source": "https://huggingface.co/EleutherAI/gpt-j-6b/blob/main/config.json",
        "published": 6_053_381_344,
        "note": "the card's n_parameters is mesh-transformer-jax's count; transformers 5 "
        "builds 6,050,882,784 (2,498,560 fewer) from the same config",
    },
]

SMALL: dict[str, Any] = {
    "n_embd": 32,
    "n_layer": 2,
    "n_head": 4,
    "rotary_dim": 4,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "gptj", **SMALL}, "model": "GPTJForCausalLM", "seq": 16,
     "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small GPT-J: its MLP width given or 4 x n_embd, tied or not."""
    heads = rng.choice((1, 2, 4))
    head_dim = rng.choice((4, 8, 12))
    config: dict[str, Any] = {
        "n_embd": heads * head_dim,
        "n_layer": rng.randint(1, 3),
        "n_head": heads,
        "rotary_dim": rng.choice((2, 4)),
        "vocab_size": rng.randrange(10, 300),
        "tie_word_embeddings": rng.random() < 0.3,
    }
    if rng.random() < 0.5:
        config["n_inner"] = rng.randrange(8, 200)
    return config
