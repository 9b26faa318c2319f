"""Gemma 3 with vision (``gemma3``): Gemma 3 4B-it as released (SigLIP-So400m at 896 pixels,
without its pooling head; a 34-layer Gemma 3 text model, five local layers to one global),
and small and random ones (a SigLIP tower with or without its pooling head, Gemma 3 text
models with their window patterns, tied or not), under every model class (the LM, the base
model, the sequence classifier). Compute: a text-only forward pass (token ids, no image)."""

from __future__ import annotations

import random
from typing import Any

from tests.hf.zoo import gemma3_text, siglip_vision_model

MODEL_TYPE = "gemma3"

GEMMA_3_4B_IT: dict[str, Any] = {
    "architectures": ["Gemma3ForConditionalGeneration"],
    "boi_token_index": 255999,
    "eoi_token_index": 256000,
    "eos_token_id": [1, 106],
    "image_token_index": 262144,
    "initializer_range": 0.02,
    "mm_tokens_per_image": 256,
    "model_type": "gemma3",
    "text_config": {
        "hidden_size": 2560,
        "intermediate_size": 10240,
        "model_type": "gemma3_text",
        "num_hidden_layers": 34,
        "rope_scaling": {"factor": 8.0, "rope_type": "linear"},
        "sliding_window": 1024,
    },
    "torch_dtype": "bfloat16",
    "transformers_version": "4.50.0.dev0",
    "vision_config": {
        "hidden_size": 1152,
        "image_size": 896,
        "intermediate_size": 4304,
        "model_type": "siglip_vision_model",
        "num_attention_heads": 16,
        "num_hidden_layers": 27,
        "patch_size": 14,
        "vision_use_head": False,
    },
}

RELEASED = [
    {
        "name": "gemma-3-4b-it",
        "model": "Gemma3ForConditionalGeneration",
        "config": GEMMA_3_4B_IT,
        "source": "https://huggingface.co/google/gemma-3-4b-it/blob/main/config.json",
        # The card's "4B" names the size. The file leaves the text model's heads (8, 4
        # key/value), head_dim (256) and vocabulary (262,208) to Gemma3TextConfig's defaults
        # and tie_word_embeddings to Gemma3Config's (tied): 4,300,079,472 built. The Gemma 3
        # report (arXiv:2503.19786, Table 1) prints 417M / 675M / 3,209M for the vision
        # encoder, embedding and non-embedding parameters (explorer/papers/data/gemma2024.toml).
        "published": None,
    },
]

_VISION = {"model_type": "siglip_vision_model", **siglip_vision_model.SMALL,
           "num_hidden_layers": 1, "vision_use_head": False}  # fmt: skip
_TEXT = {"model_type": "gemma3_text", **gemma3_text.SMALL, "num_hidden_layers": 2,
         "sliding_window": 6, "sliding_window_pattern": 2}  # fmt: skip

SMALL: dict[str, Any] = {"vision_config": _VISION, "text_config": _TEXT, "mm_tokens_per_image": 4}

COMPUTE = [
    {"config": {"model_type": "gemma3", **SMALL}, "model": "Gemma3ForConditionalGeneration",
     "seq": 16, "batch": 2},
    {"config": {"model_type": "gemma3", **SMALL, "tie_word_embeddings": False,
                "text_config": {**_TEXT, "num_hidden_layers": 3, "sliding_window": 5}},
     "model": "Gemma3ForConditionalGeneration", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small Gemma 3 with vision: a SigLIP tower, a Gemma 3 text model."""
    vision = {"model_type": "siglip_vision_model", **siglip_vision_model.random_config(rng)}
    text = {"model_type": "gemma3_text", **gemma3_text.random_config(rng)}
    return {
        "vision_config": vision,
        "text_config": text,
        "mm_tokens_per_image": rng.choice((1, 4)),
        "tie_word_embeddings": rng.random() < 0.7,
    }
