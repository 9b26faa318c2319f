"""Mistral 3 (Mistral Small 3.1, 2025): Pixtral's vision tower, a projector that normalises
the image features (RMSNorm), merges each s x s block of patches into one (``patch_merger``:
d_v s^2 -> d_v, no bias) and maps them to the text width with a two-layer MLP, and a Mistral
language model with its LM head (tied by default, as the config class says).

Projector: d_v + d_v^2 s^2 + d d_v n_f + d^2 (+ 2 d biases with
``multimodal_projector_bias``).

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "mistral3", "tie_word_embeddings": False},
    ...              model="Mistral3ForConditionalGeneration")
    >>> c.total  # the config class's defaults: Mistral Small 3.1's shape
    24011361280
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["MISTRAL3"]

_PROJECTOR = Projector(
    (
        Step("norm", "norm", out=("vision_d_model",), layer_norm=False,
             what="an RMSNorm of the image features"),
        Step("patch_merger.merging_layer", out=("vision_d_model",),
             inputs=("vision_d_model", "spatial_merge", "spatial_merge"),
             what="each s x s block of patches into one feature vector"),
        Step("linear_1", out=("text_d_model",), inputs=("vision_d_model", "feature_layers"),
             bias="projector_bias",
             what="the merged image features (of each vision layer read) to the text width"),
        Step("linear_2", out=("text_d_model",), inputs=("text_d_model",), bias="projector_bias",
             what="a second layer at the text width, after the activation"),
    ),
    title="multimodal projector",
)  # fmt: skip

_MERGE = Keyword(
    "spatial_merge",
    "patches merged along each side (spatial_merge_size)",
    symbol="s",
    aliases=("spatial_merge_size",),
)
_FEATURE_LAYERS = Keyword(
    "feature_layers",
    "vision layers whose features the projector reads (vision_feature_layer as a list)",
    symbol="n_f",
)
_PROJECTOR_BIAS = Keyword(
    "projector_bias", "biases in the projector", kind="flag", aliases=("multimodal_projector_bias",)
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """Features of several vision layers, concatenated."""
    layer = fields.get("vision_feature_layer")
    sizes["feature_layers"] = len(layer) if isinstance(layer, list) else 1
    sizes.pop("text_tied", None)  # the composite's own tie_word_embeddings decides


MISTRAL3 = CompositeFamily(
    name="mistral3",
    description="Mistral 3: Pixtral's vision tower, a patch-merging projector, a Mistral "
    "language model (transformers Mistral3*)",
    parts=(
        Part(
            "vision",
            ("pixtral",),
            "vision_tower.",
            tag="v",
            defaults=(("patch", 14),),
        ),
        Part(
            "text",
            ("mistral",),
            "language_model.",
            runs=True,
            defaults=(
                ("d_model", 5120),
                ("d_ff", 32768),
                ("layers", 40),
                ("heads", 32),
                ("kv_heads", 8),
                ("head_dim", 128),
                ("vocab", 131072),
                ("window", False),
            ),
        ),
    ),
    heads=(
        (
            "lm",
            CompositeHead(
                "the LM head (Mistral3ForConditionalGeneration)", prefix="model.", lm="lm_head"
            ),
        ),
        ("none", CompositeHead("the base model (Mistral3Model)")),
    ),
    projector=_PROJECTOR,
    projector_prefix="multi_modal_projector.",
    own_keywords=(_MERGE, _FEATURE_LAYERS, _PROJECTOR_BIAS),
    defaults=(
        ("tied", True),
        ("spatial_merge", 2),
        ("feature_layers", 1),
        ("projector_bias", False),
    ),
    hf=HFBinding(
        ("mistral3",),
        fields=(
            ("tied", "tie_word_embeddings"),
            ("projector_bias", "multimodal_projector_bias"),
            ("spatial_merge", "spatial_merge_size"),
        ),
        read=_read,
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({},),
        accepted=({"vision_feature_layer": [-2, -5], "spatial_merge_size": 3},),
    ),
)
