"""GPTBigCode: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "gpt_bigcode"

_BASE = {
    "model_type": "gpt_bigcode",
    "architectures": ["GPTBigCodeForCausalLM"],
    "activation_function": "gelu_pytorch_tanh",
    "attention_softmax_in_fp32": True,
    "attn_pdrop": 0.1,
    "bos_token_id": 0,
    "embd_pdrop": 0.1,
    "eos_token_id": 0,
    "inference_runner": 0,
    "initializer_range": 0.02,
    "layer_norm_epsilon": 1e-05,
    "max_batch_size": None,
    "max_sequence_length": None,
    "model_type_name": None,
    "multi_query": True,
    "pad_key_length": True,
    "pre_allocate_kv_cache": False,
    "resid_pdrop": 0.1,
    "scale_attention_softmax_in_fp32": True,
    "scale_attn_weights": True,
    "summary_activation": None,
    "summary_first_dropout": 0.1,
    "summary_proj_to_labels": True,
    "summary_type": "cls_index",
    "summary_use_proj": True,
    "use_cache": True,
    "validate_runner_input": True,
}


def _released(repo: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": repo.rsplit("/", 1)[-1],
        "model": "GPTBigCodeForCausalLM",
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/{repo}/blob/main/config.json",
        "published": None,  # Li et al. 2023: StarCoder 15.5B (rounded; li2023)
    }


RELEASED = [
    _released("bigcode/starcoder", n_embd=6144, n_head=48, n_inner=24576, n_layer=40,
              n_positions=8192, vocab_size=49152),
    _released("bigcode/starcoderbase-1b", n_embd=2048, n_head=16, n_inner=8192, n_layer=24,
              n_positions=8192, vocab_size=49152),
    _released("bigcode/tiny_starcoder_py", n_embd=768, n_head=12, n_inner=3072, n_layer=20,
              n_positions=8192, vocab_size=49152),
    _released("bigcode/gpt_bigcode-santacoder", n_embd=2048, n_head=16, n_inner=8192,
              n_layer=24, n_positions=2048, vocab_size=49280),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "n_embd": 32,
    "n_layer": 2,
    "n_head": 4,
    "n_positions": 40,
    "vocab_size": 100,
}

COMPUTE = [
    {"config": {"model_type": "gpt_bigcode", **SMALL}, "model": "GPTBigCodeForCausalLM",
     "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small GPTBigCode: multi-query or multi-head (then cross-attention at times),
    its MLP width given or 4 x n_embd, tied or not."""
    heads = rng.choice((1, 2, 4))
    multi_query = rng.random() < 0.6
    config: dict[str, Any] = {
        "n_embd": heads * rng.choice((4, 8, 12)),
        "n_layer": rng.randint(1, 3),
        "n_head": heads,
        "n_positions": rng.randrange(8, 80),
        "vocab_size": rng.randrange(10, 300),
        "multi_query": multi_query,
        "add_cross_attention": not multi_query and rng.random() < 0.4,
        "tie_word_embeddings": rng.random() < 0.7,
    }
    if rng.random() < 0.5:
        config["n_inner"] = rng.randrange(8, 200)
    return config
