"""LLaVA (``llava``): LLaVA-1.5-7B as released (CLIP ViT-L/14-336, Vicuna-7B), and small and
random ones (a CLIP tower and a LLaMA, Mistral or Qwen2 language model, several feature
layers, projector biases or not). Compute: a text-only forward pass (token ids, no image)."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "llava"

LLAVA_15_7B: dict[str, Any] = {
    "architectures": ["LlavaForConditionalGeneration"],
    "image_token_index": 32000,
    "model_type": "llava",
    "pad_token_id": 32001,
    "projector_hidden_act": "gelu",
    "text_config": {
        "architectures": ["LlamaForCausalLM"],
        "max_position_embeddings": 4096,
        "model_type": "llama",
        "rms_norm_eps": 1e-05,
        "torch_dtype": "float16",
        "vocab_size": 32064,
    },
    "tie_word_embeddings": False,
    "torch_dtype": "float16",
    "vision_config": {
        "hidden_size": 1024,
        "image_size": 336,
        "intermediate_size": 4096,
        "model_type": "clip_vision_model",
        "num_attention_heads": 16,
        "num_hidden_layers": 24,
        "patch_size": 14,
        "projection_dim": 768,
        "vocab_size": 32000,
    },
    "vision_feature_layer": -2,
    "vision_feature_select_strategy": "default",
    "vocab_size": 32064,
}

RELEASED = [
    {
        "name": "llava-1.5-7b-hf",
        "model": "LlavaForConditionalGeneration",
        "config": LLAVA_15_7B,
        "source": "https://huggingface.co/llava-hf/llava-1.5-7b-hf/blob/main/config.json",
        "published": None,
    },
]

_VISION = {
    "model_type": "clip_vision_model",
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "image_size": 28,
    "patch_size": 14,
}
_TEXT = {
    "model_type": "llama",
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
}

SMALL: dict[str, Any] = {"vision_config": _VISION, "text_config": _TEXT}

COMPUTE = [
    {"config": {"model_type": "llava", **SMALL}, "model": "LlavaForConditionalGeneration",
     "seq": 16, "batch": 2},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small LLaVA: a CLIP tower, a LLaMA, Mistral or Qwen2 language model."""
    vision_heads = rng.choice((1, 2, 4))
    heads = rng.choice((2, 4))
    text: dict[str, Any] = {
        "model_type": rng.choice(("llama", "mistral", "qwen2")),
        "hidden_size": heads * rng.choice((8, 16)),
        "intermediate_size": rng.randrange(8, 120),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_key_value_heads": rng.choice([k for k in (1, 2, 4) if heads % k == 0]),
        "vocab_size": rng.randrange(10, 200),
        "tie_word_embeddings": rng.random() < 0.3,
    }
    layer = rng.choice((-2, -1, [-2, -1], [-3, -2, -1]))
    return {
        "vision_config": {
            "model_type": "clip_vision_model",
            "hidden_size": vision_heads * rng.choice((4, 8)),
            "intermediate_size": rng.randrange(8, 60),
            "num_hidden_layers": rng.randint(3, 4),
            "num_attention_heads": vision_heads,
            "image_size": rng.randrange(16, 60),
            "patch_size": rng.choice((7, 8, 14)),
        },
        "text_config": text,
        "vision_feature_layer": layer,
        "multimodal_projector_bias": rng.random() < 0.7,
        "tie_word_embeddings": rng.random() < 0.3,
    }
