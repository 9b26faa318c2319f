"""Qwen2-MoE: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones (a shared expert and its gate beside the routed ones, experts in
every sparse step-th layer, dense-only layers listed, windows below max_window_layers).

Published counts: Qwen1.5-MoE-A2.7B "14.3B parameters in total and 2.7B activated
parameters during runtime" (its model card); Qwen2-57B-A14B, 57B in total and 14B activated
(its name and model card). Both count every parameter a token uses (embeddings and head
included): 2,689,173,504 prints as 2.7B (2.4B without the token embedding).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "qwen2_moe"

_BASE = {
    "model_type": "qwen2_moe",
    "architectures": ["Qwen2MoeForCausalLM"],
    "attention_dropout": 0.0,
    "bos_token_id": 151643,
    "decoder_sparse_step": 1,
    "eos_token_id": 151643,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "norm_topk_prob": False,
    "output_router_logits": False,
    "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0,
    "router_aux_loss_coef": 0.001,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "use_sliding_window": False,
    "vocab_size": 151936,
}

RELEASED = [
    {
        "name": "Qwen1.5-MoE-A2.7B",
        "model": "Qwen2MoeForCausalLM",
        "config": {**_BASE, "hidden_size": 2048, "intermediate_size": 5632,
                   "max_position_embeddings": 8192, "max_window_layers": 21,
                   "moe_intermediate_size": 1408, "num_attention_heads": 16,
                   "num_experts": 60, "num_experts_per_tok": 4, "num_hidden_layers": 24,
                   "num_key_value_heads": 16, "shared_expert_intermediate_size": 5632,
                   "sliding_window": 32768},
        "source": "https://huggingface.co/Qwen/Qwen1.5-MoE-A2.7B/blob/main/config.json",
        "published": "14.3B",
        "active": {"published": "2.7B", "counts": "all"},
    },
    {
        # also in NVIDIA/TensorRT-LLM's tests (QWEN2_57B_A14B_CONFIG), field for field
        "name": "Qwen2-57B-A14B",
        "model": "Qwen2MoeForCausalLM",
        "config": {**_BASE, "hidden_size": 3584, "intermediate_size": 18944,
                   "max_position_embeddings": 131072, "max_window_layers": 28,
                   "moe_intermediate_size": 2560, "num_attention_heads": 28,
                   "num_experts": 64, "num_experts_per_tok": 8, "num_hidden_layers": 28,
                   "num_key_value_heads": 4, "shared_expert_intermediate_size": 20480,
                   "sliding_window": 131072, "transformers_version": "4.40.1"},
        "source": "https://huggingface.co/Qwen/Qwen2-57B-A14B/blob/main/config.json",
        "published": "57B",
        "active": {"published": "14B", "counts": "all", "also": ["no_token_embedding"]},
    },
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "moe_intermediate_size": 32,
    "shared_expert_intermediate_size": 48,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_experts": 4,
    "num_experts_per_tok": 2,
    "mlp_only_layers": [0],
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "Qwen2MoeForCausalLM", "seq": 16,
     "batch": 2, "experts": "batched_mm"},
    {"config": {"model_type": MODEL_TYPE, **SMALL, "num_hidden_layers": 5,
                "use_sliding_window": True, "sliding_window": 6, "max_window_layers": 3},
     "model": "Qwen2MoeForCausalLM", "seq": 20, "batch": 1, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Qwen2-MoE: grouped-query heads, q/k/v biases or not, a shared
    expert, experts in every step-th layer, some layers listed dense,
    or no experts at all."""
    heads = rng.choice((2, 4, 8))
    layers = rng.randint(1, 5)
    config: dict[str, Any] = {
        "hidden_size": rng.randrange(16, 129, 8),
        "intermediate_size": rng.randrange(8, 200),
        "moe_intermediate_size": rng.randrange(4, 64),
        "shared_expert_intermediate_size": rng.randrange(4, 100),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0]),
        "num_experts": (experts := rng.choice((0, *range(1, 9)))),  # 0: dense everywhere
        "num_experts_per_tok": rng.randint(1, max(experts, 1)),
        "decoder_sparse_step": rng.choice((1, 1, 2, 3)),
        "mlp_only_layers": sorted(rng.sample(range(layers), rng.randint(0, min(2, layers)))),
        "vocab_size": rng.randrange(10, 300),
        "qkv_bias": rng.random() < 0.7,
        "tie_word_embeddings": rng.random() < 0.5,
    }
    if rng.random() < 0.3:
        config["head_dim"] = rng.choice((4, 8, 16, 32))
    return config
