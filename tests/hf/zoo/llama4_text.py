"""LLaMA 4's language model (``llama4_text``): Llama 4 Scout's text config, and small and
random ones (every layer or one in n with experts, an explicit ``moe_layers``, chunked
attention or none). Compute: the causal LM, past the chunk (the cache keeps W - 1 positions
in a chunked layer)."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "llama4_text"

#: The text_config of meta-llama/Llama-4-Scout-17B-16E (as copied in a public table of its
#: modules; its ``attn_temperature_tuning`` there is 4, which transformers 5 refuses: the
#: field is a bool, true here).
SCOUT_TEXT: dict[str, Any] = {
    "model_type": "llama4_text",
    "attention_bias": False,
    "attention_chunk_size": 8192,
    "attention_dropout": 0.0,
    "attn_scale": 0.1,
    "attn_temperature_tuning": True,
    "bos_token_id": 200000,
    "eos_token_id": [200001, 200007, 200008],
    "floor_scale": 8192,
    "for_llm_compressor": False,
    "head_dim": 128,
    "hidden_act": "silu",
    "hidden_size": 5120,
    "initializer_range": 0.02,
    "interleave_moe_layer_step": 1,
    "intermediate_size": 8192,
    "intermediate_size_mlp": 16384,
    "max_position_embeddings": 262144,
    "moe_layers": list(range(48)),
    "no_rope_layers": [int((i + 1) % 4 != 0) for i in range(48)],
    "num_attention_heads": 40,
    "num_experts_per_tok": 1,
    "num_hidden_layers": 48,
    "num_key_value_heads": 8,
    "num_local_experts": 16,
    "output_router_logits": False,
    "pad_token_id": 200018,
    "rms_norm_eps": 1e-05,
    "rope_scaling": {
        "factor": 8.0,
        "high_freq_factor": 4.0,
        "low_freq_factor": 1.0,
        "original_max_position_embeddings": 8192,
        "rope_type": "llama3",
    },
    "rope_theta": 500000.0,
    "router_aux_loss_coef": 0.001,
    "router_jitter_noise": 0.0,
    "torch_dtype": "bfloat16",
    "use_cache": True,
    "use_qk_norm": True,
    "vocab_size": 202048,
}

RELEASED = [
    {
        "name": "Llama-4-Scout-17B-16E-text",
        "model": "Llama4ForCausalLM",
        "config": SCOUT_TEXT,
        "source": "https://huggingface.co/meta-llama/Llama-4-Scout-17B-16E/blob/main/config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 48,
    "intermediate_size_mlp": 96,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "num_local_experts": 4,
    "vocab_size": 100,
    "interleave_moe_layer_step": 2,
    "attention_chunk_size": 6,
}

COMPUTE = [
    {"config": {"model_type": "llama4_text", **SMALL}, "model": "Llama4ForCausalLM", "seq": 16,
     "batch": 2},
    {"config": {"model_type": "llama4_text", **SMALL, "interleave_moe_layer_step": 1,
                "num_experts_per_tok": 2},
     "model": "Llama4ForCausalLM", "seq": 5, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LLaMA 4 language model."""
    heads = rng.choice((2, 4))
    layers = rng.randint(1, 5)
    experts = rng.randint(1, 5)
    config: dict[str, Any] = {
        "hidden_size": rng.randrange(16, 97, 8),
        "intermediate_size": rng.randrange(8, 100),
        "intermediate_size_mlp": rng.randrange(8, 150),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
        "head_dim": rng.choice((8, 16)),
        "num_local_experts": experts,
        "num_experts_per_tok": rng.randint(1, experts),
        "vocab_size": rng.randrange(10, 300),
        "interleave_moe_layer_step": rng.randint(1, layers),
        "attention_bias": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.3,
    }
    if rng.random() < 0.3:
        config["moe_layers"] = sorted(rng.sample(range(layers), rng.randint(1, layers)))
    return config
