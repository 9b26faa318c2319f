"""CLIP's vision tower (``clip_vision_model``): the vision config LLaVA-1.5 ships (CLIP
ViT-L/14 at 336 pixels), and small and random ones. A vision tower reads pixels: no compute
cases (its forward pass is not sized by tokens)."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "clip_vision_model"

RELEASED = [
    {
        "name": "llava-1.5-7b-vision-tower",
        "model": "CLIPVisionModel",
        # the vision_config of llava-hf/llava-1.5-7b-hf (openai/clip-vit-large-patch14-336)
        "config": {
            "model_type": "clip_vision_model",
            "hidden_size": 1024,
            "image_size": 336,
            "intermediate_size": 4096,
            "num_attention_heads": 16,
            "num_hidden_layers": 24,
            "patch_size": 14,
            "projection_dim": 768,
            "vocab_size": 32000,
        },
        "source": "https://huggingface.co/llava-hf/llava-1.5-7b-hf/blob/main/config.json",
        "published": None,
    },
]

SMALL: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "image_size": 56,
    "patch_size": 14,
    "projection_dim": 32,
}

COMPUTE: list[dict[str, Any]] = []


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small CLIP vision tower: any patch and image size, a partial patch dropped."""
    heads = rng.choice((1, 2, 4))
    return {
        "hidden_size": heads * rng.choice((4, 8, 16)),
        "intermediate_size": rng.randrange(8, 100),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "num_channels": rng.choice((1, 3)),
        "image_size": rng.randrange(16, 80),
        "patch_size": rng.choice((4, 7, 8, 14, 16)),
        "projection_dim": rng.randrange(4, 40),
    }
