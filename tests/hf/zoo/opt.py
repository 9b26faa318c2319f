"""OPT: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "opt"

_BASE = {
    "model_type": "opt",
    "architectures": ["OPTForCausalLM"],
    "_remove_final_layer_norm": False,
    "activation_dropout": 0.0,
    "activation_function": "relu",
    "attention_dropout": 0.0,
    "bos_token_id": 2,
    "do_layer_norm_before": True,
    "dropout": 0.1,
    "eos_token_id": 2,
    "init_std": 0.02,
    "layerdrop": 0.0,
    "max_position_embeddings": 2048,
    "pad_token_id": 1,
    "prefix": "</s>",
    "torch_dtype": "float16",
    "transformers_version": "4.21.0.dev0",
    "use_cache": True,
    "vocab_size": 50272,
}


def _released(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "OPTForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/facebook/{name}/blob/main/config.json",
        "published": None,  # Zhang et al. 2022, table 1: 125M ... 66B (rounded; zhang2022)
    }


RELEASED = [
    _released("opt-125m", hidden_size=768, ffn_dim=3072, num_attention_heads=12,
              num_hidden_layers=12, word_embed_proj_dim=768),
    # post-LayerNorm, no final norm, a 512-wide embedding projected in and out
    _released("opt-350m", hidden_size=1024, ffn_dim=4096, num_attention_heads=16,
              num_hidden_layers=24, word_embed_proj_dim=512, do_layer_norm_before=False),
    _released("opt-1.3b", hidden_size=2048, ffn_dim=8192, num_attention_heads=32,
              num_hidden_layers=24, word_embed_proj_dim=2048),
    _released("opt-6.7b", hidden_size=4096, ffn_dim=16384, num_attention_heads=32,
              num_hidden_layers=32, word_embed_proj_dim=4096),
    _released("opt-66b", hidden_size=9216, ffn_dim=36864, num_attention_heads=72,
              num_hidden_layers=64, word_embed_proj_dim=9216),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 32,
    "ffn_dim": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "vocab_size": 100,
    "max_position_embeddings": 40,
    "word_embed_proj_dim": 16,
}

COMPUTE = [
    {"config": {"model_type": "opt", **SMALL}, "model": "OPTForCausalLM", "seq": 16,
     "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small OPT: a narrower embedding or not, pre- or post-LayerNorm, biases or
    not, norms with or without parameters."""
    heads = rng.choice((1, 2, 4))
    hidden = heads * rng.randrange(2, 17)
    return {
        "hidden_size": hidden,
        "ffn_dim": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "vocab_size": rng.randrange(10, 300),
        "max_position_embeddings": rng.randrange(8, 80),
        "word_embed_proj_dim": rng.choice((hidden, rng.randrange(4, 40))),
        "do_layer_norm_before": rng.random() < 0.7,
        "_remove_final_layer_norm": rng.random() < 0.2,
        "enable_bias": rng.random() < 0.7,
        "layer_norm_elementwise_affine": rng.random() < 0.8,
        "tie_word_embeddings": rng.random() < 0.7,
    }
