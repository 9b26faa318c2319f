"""GLM-4.5 (``glm4_moe``): released configurations (config.json as published on the Hugging
Face Hub) and small and random ones (q/k/v biases, optional per-head query/key norms, a
head_dim of its own, shared experts, dense first layers).

Published counts (Z.ai, GLM-4.5 model cards and report, arXiv:2508.06471): GLM-4.5, 355B in
total and 32B active per token; GLM-4.5-Air, 106B and 12B. The active counts leave out the
embedding and the output head (GLM-4.5: 32,080,359,424, 32B; every parameter a token uses:
33.6B); the totals are not what transformers builds rounded (352.8B and 106.85B; the
released checkpoints also hold a multi-token-prediction layer transformers does not build).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "glm4_moe"

_BASE = {
    "model_type": "glm4_moe",
    "architectures": ["Glm4MoeForCausalLM"],
    "attention_bias": True,
    "attention_dropout": 0.0,
    "eos_token_id": [151329, 151336, 151338],
    "head_dim": 128,
    "hidden_act": "silu",
    "max_position_embeddings": 131072,
    "n_group": 1,
    "norm_topk_prob": True,
    "num_attention_heads": 96,
    "num_experts_per_tok": 8,
    "num_key_value_heads": 8,
    "num_nextn_predict_layers": 1,
    "pad_token_id": 151329,
    "partial_rotary_factor": 0.5,
    "rms_norm_eps": 1e-05,
    "rope_scaling": None,
    "rope_theta": 1000000,
    "tie_word_embeddings": False,
    "topk_group": 1,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "vocab_size": 151552,
}

RELEASED = [
    {
        "name": "GLM-4.5",
        "model": "Glm4MoeForCausalLM",
        "config": {**_BASE, "first_k_dense_replace": 3, "hidden_size": 5120,
                   "intermediate_size": 12288, "moe_intermediate_size": 1536,
                   "n_routed_experts": 160, "n_shared_experts": 1, "num_hidden_layers": 92,
                   "routed_scaling_factor": 2.5, "use_qk_norm": True},
        "source": "https://huggingface.co/zai-org/GLM-4.5/blob/main/config.json",
        "published": "355B",
        "note": "the card's 355B is not the 352.8B transformers builds (nor that with the "
        "multi-token-prediction layer, about 356.8B)",
        "active": {"published": "32B", "counts": "non_embedding"},
    },
    {
        "name": "GLM-4.5-Air",
        "model": "Glm4MoeForCausalLM",
        "config": {**_BASE, "first_k_dense_replace": 1, "hidden_size": 4096,
                   "intermediate_size": 10944, "moe_intermediate_size": 1408,
                   "n_routed_experts": 128, "n_shared_experts": 1, "num_hidden_layers": 46,
                   "routed_scaling_factor": 1.0, "use_qk_norm": False},
        "source": "https://huggingface.co/zai-org/GLM-4.5-Air/blob/main/config.json",
        "published": "106B",
        "note": "the card's 106B is the 106.85B transformers builds truncated, or the 105.6B "
        "without the embedding and head rounded: not the total rounded",
        "active": {"published": "12B", "counts": "non_embedding"},
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
    "n_routed_experts": 4,
    "num_experts_per_tok": 2,
    "n_shared_experts": 1,
    "first_k_dense_replace": 1,
    "use_qk_norm": True,
    "attention_bias": True,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "Glm4MoeForCausalLM", "seq": 16,
     "batch": 2, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small GLM-4.5: grouped-query heads, a head_dim of its own (or none),
    norms and biases or not, shared experts, dense first layers."""
    heads = rng.choice((2, 4, 8))
    config: dict[str, Any] = {
        "hidden_size": rng.randrange(16, 129, 8),
        "intermediate_size": rng.randrange(8, 200),
        "moe_intermediate_size": rng.randrange(4, 64),
        "num_hidden_layers": rng.randint(1, 4),
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0]),
        "n_routed_experts": (experts := rng.randint(1, 8)),
        "num_experts_per_tok": rng.randint(1, experts),
        "n_shared_experts": rng.randint(1, 3),
        "first_k_dense_replace": rng.randint(0, 3),
        "use_qk_norm": rng.random() < 0.5,
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.5,
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.7:
        config["head_dim"] = rng.choice((4, 8, 16, 32))
    return config
