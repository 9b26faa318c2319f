"""Gemma 3 with vision (Gemma Team 2025, model type ``gemma3``): SigLIP's vision tower (a
SigLIP-So400m at 896 pixels in the released 4B, 12B and 27B, without its pooling head), a
projector that average-pools the patches to ``mm_tokens_per_image`` soft tokens (no
parameters), normalises them (a Gemma RMSNorm of the vision width, ``mm_soft_emb_norm``) and
maps them to the text width with one bare matrix (``mm_input_projection_weight``
[d_v, d], no bias), and Gemma 3's text model with its LM head (tied by default) or a
sequence classifier.

Projector: d_v + d_v d; the towers as their families count them.

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "gemma3"}, model="Gemma3ForConditionalGeneration")
    >>> c.total, c.subtotals["projector"]  # the config class's defaults
    (2723312896, 1770240)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["GEMMA3"]

_PROJECTOR = Projector(
    (
        Step("mm_input_projection_weight", "parameter",
             shape=(("vision_d_model",), ("text_d_model",)),
             what="the pooled image features to the text width (one matrix, no bias)"),
        Step("mm_soft_emb_norm", "norm", out=("vision_d_model",), layer_norm=False,
             what="a Gemma RMSNorm of the pooled image features"),
    ),
    title="multimodal projector",
)  # fmt: skip

_CLASSIFIER = Projector(
    (
        Step("score", out=("labels",), inputs=("text_d_model",),
             what="one row per label, read from the language model's final states"),
    ),
    title="classifier",
    inside=False,
)  # fmt: skip


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The composite's own ``tie_word_embeddings`` and ``num_labels`` decide."""
    sizes.pop("text_tied", None)
    sizes.pop("text_labels", None)


GEMMA3 = CompositeFamily(
    name="gemma3",
    description="Gemma 3 with vision: SigLIP's vision tower, a pooling RMSNorm-and-matrix "
    "projector, Gemma 3's text model (transformers Gemma3ForConditionalGeneration, "
    "Gemma3Model ...)",
    parts=(
        Part("vision", ("siglip_vision",), "vision_tower.", tag="v"),
        Part("text", ("gemma3_text",), "language_model.", runs=True),
    ),
    heads=(
        (
            "lm",
            CompositeHead(
                "the LM head (Gemma3ForConditionalGeneration)", prefix="model.", lm="lm_head"
            ),
        ),
        ("none", CompositeHead("the base model (Gemma3Model)")),
        (
            "classifier",
            CompositeHead(
                "a sequence classifier (Gemma3ForSequenceClassification)",
                prefix="model.",
                extra=_CLASSIFIER,
            ),
        ),
    ),
    projector=_PROJECTOR,
    projector_prefix="multi_modal_projector.",
    own_keywords=(
        Keyword("labels", "classes of a classifier head", symbol="n_y", aliases=("num_labels",)),
    ),
    defaults=(("tied", True), ("labels", 2)),
    hf=HFBinding(
        ("gemma3",),
        fields=(("tied", "tie_word_embeddings"), ("labels", "num_labels")),
        read=_read,
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({}, {"tie_word_embeddings": False}),
        accepted=({"mm_tokens_per_image": 64},),
    ),
)
