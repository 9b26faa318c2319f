"""RoBERTa: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "roberta"

_BASE = {
    "model_type": "roberta",
    "architectures": ["RobertaForMaskedLM"],
    "attention_probs_dropout_prob": 0.1,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-05,
    "max_position_embeddings": 514,
    "pad_token_id": 1,
    "type_vocab_size": 1,
    "vocab_size": 50265,
}


def _released(repo: str, model: str, published: int | None, **fields: Any) -> dict[str, Any]:
    return {
        "name": repo.rsplit("/", 1)[-1],
        "model": model,
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/{repo}/blob/main/config.json",
        "published": published,
    }


RELEASED = [
    # fairseq's README: roberta.base 125M, roberta.large 355M (rounded; see liu2019).
    _released("FacebookAI/roberta-base", "RobertaForMaskedLM", None, hidden_size=768,
              intermediate_size=3072, num_attention_heads=12, num_hidden_layers=12),
    _released("FacebookAI/roberta-large", "RobertaForMaskedLM", None, hidden_size=1024,
              intermediate_size=4096, num_attention_heads=16, num_hidden_layers=24),
    _released("FacebookAI/roberta-large-mnli", "RobertaForSequenceClassification", None,
              architectures=["RobertaForSequenceClassification"], hidden_size=1024,
              intermediate_size=4096, num_attention_heads=16, num_hidden_layers=24,
              id2label={"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"},
              label2id={"CONTRADICTION": 0, "ENTAILMENT": 2, "NEUTRAL": 1}),
    _released("distilbert/distilroberta-base", "RobertaForMaskedLM", None, hidden_size=768,
              intermediate_size=3072, num_attention_heads=12, num_hidden_layers=6),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "vocab_size": 100,
    "max_position_embeddings": 40,
}

COMPUTE = [
    {"config": {"model_type": "roberta", **SMALL}, "model": "RobertaForMaskedLM", "seq": 16,
     "batch": 2, "cache": False},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small RoBERTa: tied or not, one or two token types, cross-attention in a
    decoder or not."""
    heads = rng.choice((1, 2, 4))
    decoder = rng.random() < 0.3
    return {
        "hidden_size": heads * rng.randrange(2, 17),
        "intermediate_size": rng.randrange(8, 200),
        "num_hidden_layers": rng.randint(1, 3),
        "num_attention_heads": heads,
        "vocab_size": rng.randrange(10, 300),
        "max_position_embeddings": rng.randrange(8, 80),
        "type_vocab_size": rng.choice((1, 2)),
        "tie_word_embeddings": rng.random() < 0.7,
        "is_decoder": decoder,
        "add_cross_attention": decoder and rng.random() < 0.5,
    }
