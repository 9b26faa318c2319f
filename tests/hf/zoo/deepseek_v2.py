"""DeepSeek-V2: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones (multi-head latent attention with and without a query latent,
shared experts, dense first layers).

Published counts (DeepSeek-AI 2024, arXiv:2405.04434, and the model cards): DeepSeek-V2,
236B in total and 21B activated per token; DeepSeek-V2-Lite, 15.7B and 2.4B. DeepSeek counts
the active parameters without the token embedding (the output head counted, as DeepSeek-V3's
weights document says): V2-Lite's 2,451,435,008 prints as 2.4B truncated (every parameter a
token uses: 2.66B); V2's 21B fits both (20.85B; 21.38B with the embedding).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "deepseek_v2"

_BASE = {
    "model_type": "deepseek_v2",
    "architectures": ["DeepseekV2ForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "auto_map": {
        "AutoConfig": "configuration_deepseek.DeepseekV2Config",
        "AutoModel": "modeling_deepseek.DeepseekV2Model",
        "AutoModelForCausalLM": "modeling_deepseek.DeepseekV2ForCausalLM",
    },
    "aux_loss_alpha": 0.001,
    "bos_token_id": 100000,
    "eos_token_id": 100001,
    "first_k_dense_replace": 1,
    "hidden_act": "silu",
    "initializer_range": 0.02,
    "kv_lora_rank": 512,
    "max_position_embeddings": 163840,
    "moe_layer_freq": 1,
    "norm_topk_prob": False,
    "pretraining_tp": 1,
    "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64,
    "rms_norm_eps": 1e-06,
    "rope_theta": 10000,
    "scoring_func": "softmax",
    "seq_aux": True,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "v_head_dim": 128,
    "vocab_size": 102400,
}

RELEASED = [
    {
        # also, field for field, in public copies (a parameter calculator's sample config)
        "name": "DeepSeek-V2",
        "model": "DeepseekV2ForCausalLM",
        "config": {**_BASE, "ep_size": 1, "hidden_size": 5120, "intermediate_size": 12288,
                   "moe_intermediate_size": 1536, "n_group": 8, "n_routed_experts": 160,
                   "n_shared_experts": 2, "num_attention_heads": 128, "num_experts_per_tok": 6,
                   "num_hidden_layers": 60, "num_key_value_heads": 128, "q_lora_rank": 1536,
                   "routed_scaling_factor": 16.0, "topk_group": 3,
                   "topk_method": "group_limited_greedy", "transformers_version": "4.39.3"},
        "source": "https://huggingface.co/deepseek-ai/DeepSeek-V2/blob/main/config.json",
        "published": "236B",
        "active": {"published": "21B", "counts": "no_token_embedding", "also": ["all"]},
    },
    {
        "name": "DeepSeek-V2-Lite",
        "model": "DeepseekV2ForCausalLM",
        "config": {**_BASE, "hidden_size": 2048, "intermediate_size": 10944,
                   "moe_intermediate_size": 1408, "n_group": 1, "n_routed_experts": 64,
                   "n_shared_experts": 2, "num_attention_heads": 16, "num_experts_per_tok": 6,
                   "num_hidden_layers": 27, "num_key_value_heads": 16, "q_lora_rank": None,
                   "routed_scaling_factor": 1.0, "topk_group": 1, "topk_method": "greedy"},
        "source": "https://huggingface.co/deepseek-ai/DeepSeek-V2-Lite/blob/main/config.json",
        "published": "15.7B",
        "active": {"published": "2.4B", "counts": "no_token_embedding", "rounding": "down"},
    },
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "n_routed_experts": 4,
    "num_experts_per_tok": 2,
    "n_shared_experts": 2,
    "first_k_dense_replace": 1,
    "q_lora_rank": None,
    "kv_lora_rank": 24,
    "qk_nope_head_dim": 8,
    "qk_rope_head_dim": 4,
    "v_head_dim": 12,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "DeepseekV2ForCausalLM",
     "seq": 16, "batch": 2, "experts": "batched_mm"},
    {"config": {"model_type": MODEL_TYPE, **SMALL, "q_lora_rank": 20, "mlp_bias": True,
                "attention_bias": True},
     "model": "DeepseekV2ForCausalLM", "seq": 9, "batch": 3, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small DeepSeek-V2: heads dividing the width, a query latent or none,
    shared experts, dense first layers, biases or not."""
    heads = rng.choice((1, 2, 4, 8))
    return {
        "hidden_size": heads * rng.randrange(2, 17, 2),
        "intermediate_size": rng.randrange(8, 200),
        "moe_intermediate_size": rng.randrange(4, 64),
        "num_hidden_layers": rng.randint(1, 4),
        "num_attention_heads": heads,
        "num_key_value_heads": heads,
        "n_routed_experts": (experts := rng.randint(1, 8)),
        "num_experts_per_tok": rng.randint(1, experts),
        "n_shared_experts": rng.randint(1, 3),
        "first_k_dense_replace": rng.randint(0, 2),
        "q_lora_rank": rng.choice((None, rng.randrange(4, 40))),
        "kv_lora_rank": rng.randrange(4, 40),
        "qk_nope_head_dim": rng.randrange(2, 17),
        "qk_rope_head_dim": rng.choice((2, 4, 8)),
        "v_head_dim": rng.randrange(2, 17),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "mlp_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
