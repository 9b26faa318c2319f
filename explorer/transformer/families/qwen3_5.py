"""Qwen3.5 (Qwen Team 2026), the model its checkpoints ship: Qwen3.5's vision tower (its
patch merger maps the image to the text width inside the tower, so there is no projector
between the parts) and Qwen3.5's hybrid language model (Gated DeltaNet and gated full
attention layers), with the LM head or a classifier on the language model's states.

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "qwen3_5", "text_config": {"num_hidden_layers": 4},
    ...               "vision_config": {"depth": 1}}, model="Qwen3_5ForConditionalGeneration")
    >>> c.total, c.subtotals["vision: head"]
    (2956610320, 37759232)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["QWEN3_5"]


def _score(bias: bool) -> Projector:
    return Projector(
        (
            Step("score", out=("labels",), inputs=("text_d_model",), bias=bias,
                 what="one row per label, read from the language model's final states"),
        ),
        title="classifier",
        inside=False,
    )  # fmt: skip


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The composite's own ``tie_word_embeddings`` decides."""
    sizes.pop("text_tied", None)
    sizes.pop("text_labels", None)


QWEN3_5 = CompositeFamily(
    name="qwen3_5",
    description="Qwen3.5: a vision tower with a patch merger and a hybrid Gated DeltaNet "
    "language model (transformers Qwen3_5ForConditionalGeneration, Qwen3_5Model ...)",
    parts=(
        Part("vision", ("qwen3_5_vision",), "visual.", tag="v"),
        Part("text", ("qwen3_5_text",), "language_model.", runs=True),
    ),
    heads=(
        (
            "lm",
            CompositeHead(
                "the LM head (Qwen3_5ForConditionalGeneration)", prefix="model.", lm="lm_head"
            ),
        ),
        ("none", CompositeHead("the base model (Qwen3_5Model)")),
        (
            "classifier",
            CompositeHead(
                "a sequence classifier (Qwen3_5ForSequenceClassification)",
                prefix="model.",
                extra=_score(bias=False),
            ),
        ),
        (
            "token",
            CompositeHead(
                "a token classifier (Qwen3_5ForTokenClassification)",
                prefix="model.",
                extra=_score(bias=True),
            ),
        ),
    ),
    own_keywords=(
        Keyword("labels", "classes of a classifier head", symbol="n_y", aliases=("num_labels",)),
    ),
    defaults=(("tied", False), ("labels", 2)),
    hf=HFBinding(
        ("qwen3_5",),
        fields=(("tied", "tie_word_embeddings"), ("labels", "num_labels")),
        read=_read,
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({},),
    ),
)
