"""OLMoE: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones (full-width query/key norms, grouped-query heads, 64 small experts).

Published counts (Muennighoff et al. 2024, arXiv:2409.02060, Table 1): OLMoE-1B-7B, 6.9B
parameters in total and 1.3B active per token; the paper counts every parameter a token
uses: 1,282,017,280 prints as 1.3B (1.2B without the token embedding).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "olmoe"

RELEASED = [
    {
        "name": "OLMoE-1B-7B-0924",
        "model": "OlmoeForCausalLM",
        "config": {
            "model_type": "olmoe",
            "architectures": ["OlmoeForCausalLM"],
            "attention_bias": False,
            "attention_dropout": 0.0,
            "clip_qkv": None,
            "eos_token_id": 50279,
            "hidden_act": "silu",
            "hidden_size": 2048,
            "initializer_range": 0.02,
            "intermediate_size": 1024,
            "max_position_embeddings": 4096,
            "norm_topk_prob": False,
            "num_attention_heads": 16,
            "num_experts": 64,
            "num_experts_per_tok": 8,
            "num_hidden_layers": 16,
            "num_key_value_heads": 16,
            "output_router_logits": False,
            "pad_token_id": 1,
            "rms_norm_eps": 1e-05,
            "rope_scaling": None,
            "rope_theta": 10000.0,
            "router_aux_loss_coef": 0.01,
            "tie_word_embeddings": False,
            "use_cache": True,
            "vocab_size": 50304,
        },
        "source": "https://huggingface.co/allenai/OLMoE-1B-7B-0924/blob/main/config.json",
        "published": "6.9B",
        "active": {"published": "1.3B", "counts": "all"},
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_experts": 4,
    "num_experts_per_tok": 2,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "OlmoeForCausalLM", "seq": 16,
     "batch": 2, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small OLMoE: heads dividing the width, grouped-query or not, biases or
    not, a few experts."""
    heads = rng.choice((2, 4, 8))
    return {
        "hidden_size": heads * rng.randrange(2, 17, 2),
        "intermediate_size": rng.randrange(4, 100),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0]),
        "num_experts": (experts := rng.randint(1, 8)),
        "num_experts_per_tok": rng.randint(1, experts),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
