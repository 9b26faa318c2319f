"""BLOOM: released configurations (config.json as published on the Hugging Face Hub; the
largest names its width ``n_embed``, as the first releases did) and small and random ones.
Each card states its parameters exactly."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "bloom"

_BASE = {
    "model_type": "bloom",
    "architectures": ["BloomForCausalLM"],
    "apply_residual_connection_post_layernorm": False,
    "attention_dropout": 0.0,
    "attention_softmax_in_fp32": True,
    "bias_dropout_fusion": True,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "hidden_dropout": 0.0,
    "initializer_range": 0.02,
    "layer_norm_epsilon": 1e-05,
    "masked_softmax_fusion": True,
    "offset_alibi": 100,
    "pad_token_id": 3,
    "pretraining_tp": 1,
    "skip_bias_add": True,
    "skip_bias_add_qkv": False,
    "slow_but_exact": False,
    "unk_token_id": 0,
    "use_cache": True,
    "vocab_size": 250880,
}


def _released(name: str, published: int, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "model": "BloomForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/bigscience/{name}/blob/main/config.json",
        "published": published,  # the model card's parameter count
    }


RELEASED = [
    _released("bloom-560m", 559_214_592, hidden_size=1024, n_head=16, n_inner=None,
              n_layer=24),
    _released("bloom-1b1", 1_065_314_304, hidden_size=1536, n_head=16, n_inner=None,
              n_layer=24),
    _released("bloom-1b7", 1_722_408_960, hidden_size=2048, n_head=16, n_inner=None,
              n_layer=24),
    _released("bloom-3b", 3_002_557_440, hidden_size=2560, n_head=32, n_inner=None,
              n_layer=30),
    _released("bloom-7b1", 7_069_016_064, hidden_size=4096, n_head=32, n_inner=None,
              n_layer=30),
    _released("bloom", 176_247_271_424, n_embed=14336, n_layer=70, num_attention_heads=112,
              pretraining_tp=4),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 32,
    "n_layer": 2,
    "n_head": 4,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "bloom", **SMALL}, "model": "BloomForCausalLM", "seq": 16,
     "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small BLOOM, its width as hidden_size or n_embed."""
    heads = rng.choice((1, 2, 4, 8))
    width = heads * rng.randrange(2, 9)
    return {
        rng.choice(("hidden_size", "n_embed")): width,
        "n_layer": rng.randint(1, 3),
        "n_head": heads,
        "vocab_size": rng.randrange(10, 300),
        "tie_word_embeddings": rng.random() < 0.7,
    }
