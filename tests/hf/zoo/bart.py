"""BART: released configurations (config.json as published on the Hugging Face Hub) and
small and random ones."""

from __future__ import annotations

import random
from typing import Any

MODEL_TYPE = "bart"

_BASE = {
    "model_type": "bart",
    "_num_labels": 3,
    "activation_dropout": 0.1,
    "activation_function": "gelu",
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "attention_dropout": 0.1,
    "bos_token_id": 0,
    "classif_dropout": 0.1,
    "classifier_dropout": 0.0,
    "decoder_layerdrop": 0.0,
    "decoder_start_token_id": 2,
    "dropout": 0.1,
    "early_stopping": True,
    "encoder_layerdrop": 0.0,
    "eos_token_id": 2,
    "forced_eos_token_id": 2,
    "gradient_checkpointing": False,
    "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
    "init_std": 0.02,
    "is_encoder_decoder": True,
    "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2},
    "max_position_embeddings": 1024,
    "no_repeat_ngram_size": 3,
    "normalize_before": False,
    "num_beams": 4,
    "num_hidden_layers": 12,
    "pad_token_id": 1,
    "scale_embedding": False,
    "use_cache": True,
    "vocab_size": 50265,
}
_LARGE = {
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 12,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
}


def _released(repo: str, model: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": repo.rsplit("/", 1)[-1],
        "model": model,
        "config": {**_BASE, **fields},
        "source": f"https://huggingface.co/{repo}/blob/main/config.json",
        "published": None,  # fairseq: bart.base 140M, bart.large 400M (rounded; lewis2020)
    }


RELEASED = [
    _released("facebook/bart-base", "BartModel", architectures=["BartModel"], d_model=768,
              encoder_layers=6, decoder_layers=6, num_hidden_layers=6, encoder_attention_heads=12,
              decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072),
    _released("facebook/bart-large", "BartModel", architectures=["BartModel"], **_LARGE),
    _released("facebook/bart-large-cnn", "BartForConditionalGeneration",
              architectures=["BartForConditionalGeneration"], **_LARGE,
              length_penalty=2.0, max_length=142, min_length=56),
    _released("facebook/bart-large-mnli", "BartForSequenceClassification",
              architectures=["BartForSequenceClassification"], **_LARGE,
              id2label={"0": "contradiction", "1": "neutral", "2": "entailment"},
              label2id={"contradiction": 0, "entailment": 2, "neutral": 1}),
]  # fmt: skip

SMALL: dict[str, Any] = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 48,
    "decoder_ffn_dim": 40,
    "vocab_size": 100,
    "max_position_embeddings": 40,
}

COMPUTE = [
    {"config": {"model_type": "bart", **SMALL}, "model": "BartForConditionalGeneration",
     "seq": 16, "batch": 2, "decoder_seq": 9},
    # the decoder alone: its cross-attention is not run (transformers 5.25 sizes its cache
    # by encoder_layers, so the stacks are as deep here)
    {"config": {"model_type": "bart", **SMALL, "tie_word_embeddings": False},
     "model": "BartForCausalLM", "seq": 12, "batch": 1},
]  # fmt: skip


def random_config(rng: random.Random) -> dict[str, Any]:
    """A random small BART: stacks of their own depths, widths and heads, tied or not."""
    encoder_heads, decoder_heads = rng.choice((1, 2, 4)), rng.choice((1, 2, 4))
    return {
        "d_model": 4 * rng.randrange(1, 9),
        "encoder_layers": rng.randint(1, 3),
        "decoder_layers": rng.randint(1, 3),
        "encoder_attention_heads": encoder_heads,
        "decoder_attention_heads": decoder_heads,
        "encoder_ffn_dim": rng.randrange(8, 100),
        "decoder_ffn_dim": rng.randrange(8, 100),
        "vocab_size": rng.randrange(10, 300),
        "max_position_embeddings": rng.randrange(8, 80),
        "tie_word_embeddings": rng.random() < 0.6,
    }
