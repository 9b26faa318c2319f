"""Qwen3-MoE: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones (experts in every sparse step-th layer, dense-only layers listed,
a sliding window).

Published counts (the model cards): Qwen3-30B-A3B "30.5B in total and 3.3B activated"
(non-embedding 29.9B); Qwen3-235B-A22B "235B in total and 22B activated" (non-embedding
234B). The cards count every parameter a token uses (embeddings and head included): 30B-A3B's
3,353,032,704 prints as 3.3B truncated (3.4B rounded; without the token embedding it would be
3.0B); 22B does not tell the conventions apart (22.19B, or 21.57B without the embedding).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "qwen3_moe"

_BASE = {
    "model_type": "qwen3_moe",
    "architectures": ["Qwen3MoeForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 151643,
    "decoder_sparse_step": 1,
    "eos_token_id": 151645,
    "head_dim": 128,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "max_position_embeddings": 40960,
    "mlp_only_layers": [],
    "norm_topk_prob": True,
    "num_experts": 128,
    "num_experts_per_tok": 8,
    "output_router_logits": False,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 1000000.0,
    "router_aux_loss_coef": 0.001,
    "sliding_window": None,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.51.0",
    "use_cache": True,
    "use_sliding_window": False,
    "vocab_size": 151936,
}

RELEASED = [
    {
        "name": "Qwen3-30B-A3B",
        "model": "Qwen3MoeForCausalLM",
        "config": {**_BASE, "hidden_size": 2048, "intermediate_size": 6144,
                   "max_window_layers": 48, "moe_intermediate_size": 768,
                   "num_attention_heads": 32, "num_hidden_layers": 48,
                   "num_key_value_heads": 4},
        "source": "https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/config.json",
        "published": "30.5B",
        "active": {"published": "3.3B", "counts": "all", "rounding": "down"},
    },
    {
        "name": "Qwen3-235B-A22B",
        "model": "Qwen3MoeForCausalLM",
        "config": {**_BASE, "hidden_size": 4096, "intermediate_size": 12288,
                   "max_window_layers": 94, "moe_intermediate_size": 1536,
                   "num_attention_heads": 64, "num_hidden_layers": 94,
                   "num_key_value_heads": 4},
        "source": "https://huggingface.co/Qwen/Qwen3-235B-A22B/blob/main/config.json",
        "published": "235B",
        "active": {"published": "22B", "counts": "all", "also": ["no_token_embedding"]},
    },
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "num_experts": 4,
    "num_experts_per_tok": 2,
    "decoder_sparse_step": 2,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "Qwen3MoeForCausalLM", "seq": 16,
     "batch": 2, "experts": "batched_mm"},
    {"config": {"model_type": MODEL_TYPE, **SMALL, "decoder_sparse_step": 1,
                "mlp_only_layers": [1], "use_sliding_window": True, "sliding_window": 6},
     "model": "Qwen3MoeForCausalLM", "seq": 20, "batch": 1, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen3-MoE: grouped-query heads, a head_dim of its own (or none),
    experts in every step-th layer, some layers listed dense,
    or no experts at all."""
    heads = rng.choice((2, 4, 8))
    layers = rng.randint(1, 5)
    config: dict[str, Any] = {
        "hidden_size": rng.randrange(16, 129, 8),
        "intermediate_size": rng.randrange(8, 200),
        "moe_intermediate_size": rng.randrange(4, 64),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0]),
        "num_experts": (experts := rng.choice((0, *range(1, 9)))),  # 0: dense everywhere
        "num_experts_per_tok": rng.randint(1, max(experts, 1)),
        "decoder_sparse_step": rng.choice((1, 1, 2, 3)),
        "mlp_only_layers": sorted(rng.sample(range(layers), rng.randint(0, min(2, layers)))),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.7:
        config["head_dim"] = rng.choice((4, 8, 16, 32))
    return config
