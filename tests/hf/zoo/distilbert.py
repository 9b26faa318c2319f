"""DistilBERT: released configurations (config.json as published on the Hugging Face Hub)
and small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "distilbert"

_BASE = {
    "model_type": "distilbert",
    "architectures": ["DistilBertForMaskedLM"],
    "activation": "gelu",
    "attention_dropout": 0.1,
    "dim": 768,
    "dropout": 0.1,
    "hidden_dim": 3072,
    "initializer_range": 0.02,
    "max_position_embeddings": 512,
    "n_heads": 12,
    "n_layers": 6,
    "pad_token_id": 0,
    "qa_dropout": 0.1,
    "seq_classif_dropout": 0.2,
    "sinusoidal_pos_embds": False,
    "tie_weights_": True,
    "vocab_size": 30522,
}


def _released(repo: str, model: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": repo.rsplit("/", 1)[-1],
        "model": model,
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/{repo}/blob/main/config.json",
        "published": None,  # Sanh et al. 2019: 66M (rounded; see sanh2019)
    }


RELEASED = [
    _released("distilbert/distilbert-base-uncased", "DistilBertForMaskedLM"),
    _released("distilbert/distilbert-base-cased", "DistilBertForMaskedLM", vocab_size=28996,
              output_past=True),
    _released("distilbert/distilbert-base-multilingual-cased", "DistilBertForMaskedLM",
              vocab_size=119547, output_past=True),
    _released("distilbert/distilbert-base-uncased-finetuned-sst-2-english",
              "DistilBertForSequenceClassification",
              architectures=["DistilBertForSequenceClassification"], finetuning_task="sst-2",
              id2label={"0": "NEGATIVE", "1": "POSITIVE"},
              label2id={"NEGATIVE": 0, "POSITIVE": 1}),
    _released("distilbert/distilbert-base-cased-distilled-squad",
              "DistilBertForQuestionAnswering",
              architectures=["DistilBertForQuestionAnswering"], vocab_size=28996,
              output_past=True),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "dim": 32,
    "hidden_dim": 48,
    "n_layers": 2,
    "n_heads": 4,
    "vocab_size": 100,
    "max_position_embeddings": 40,
}

COMPUTE = [
    {"config": {"model_type": "distilbert", **SMALL}, "model": "DistilBertForMaskedLM",
     "seq": 16, "batch": 2, "cache": False},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small DistilBERT: tied or not, learned or sinusoidal positions."""
    heads = rng.choice((1, 2, 4))
    return {
        "dim": heads * rng.randrange(2, 17),
        "hidden_dim": rng.randrange(8, 200),
        "n_layers": rng.randint(1, 3),
        "n_heads": heads,
        "vocab_size": rng.randrange(10, 300),
        "max_position_embeddings": rng.randrange(8, 80),
        "sinusoidal_pos_embds": rng.random() < 0.3,
        "tie_word_embeddings": rng.random() < 0.7,
    }
