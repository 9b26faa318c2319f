"""LLaVA (Liu et al. 2023, "Visual Instruction Tuning"; LLaVA-1.5, Liu et al. 2024): a vision
tower (CLIP ViT-L/14 at 336 pixels, or SigLIP), a two-layer MLP projector from the vision
width (times the vision layers whose features are read) to the text width, and a language
model (LLaMA/Vicuna, Mistral, Qwen2) with its LM head; one count, a part per tower.

Projector: d (d_v n_f) + d^2 and 2 d biases (``multimodal_projector_bias``); the towers as
their families count them.

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "llava"}, model="LlavaForConditionalGeneration")
    >>> c.total, c.subtotals["vision: layers"]  # the config class's defaults: LLaVA-1.5-7B's shape
    (7062902784, 302309376)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["LLAVA", "MLP_PROJECTOR"]

#: LLaVA's two-layer MLP from the vision features to the text width.
MLP_PROJECTOR = Projector(
    (
        Step(
            "linear_1",
            out=("text_d_model",),
            inputs=("vision_d_model", "feature_layers"),
            bias="projector_bias",
            what="the image features (of each vision layer read) to the text width",
        ),
        Step(
            "linear_2",
            out=("text_d_model",),
            inputs=("text_d_model",),
            bias="projector_bias",
            what="a second layer at the text width, after the activation",
        ),
    ),
    title="multimodal projector",
)

_FEATURE_LAYERS = Keyword(
    "feature_layers",
    "vision layers whose features the projector reads (vision_feature_layer as a list)",
    symbol="n_f",
    default=1,
)
_PROJECTOR_BIAS = Keyword(
    "projector_bias",
    "biases in the projector",
    kind="flag",
    aliases=("multimodal_projector_bias",),
    default=True,
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """Features of several vision layers, concatenated; the LM head tied when the text
    config ties it (LlavaConfig forwards ``tie_word_embeddings`` from the text config)."""
    layer = fields.get("vision_feature_layer")
    sizes["feature_layers"] = len(layer) if isinstance(layer, list) else 1
    if not sizes.get("tied") and sizes.get("text_tied"):
        sizes["tied"] = True
    sizes.pop("text_tied", None)


LLAVA = CompositeFamily(
    name="llava",
    description="LLaVA: a CLIP or SigLIP vision tower, an MLP projector, a LLaMA-style "
    "language model (transformers Llava*)",
    parts=(
        Part(
            "vision",
            ("clip_vision",),
            "vision_tower.",
            tag="v",
            defaults=(
                ("d_model", 1024),
                ("d_ff", 4096),
                ("layers", 24),
                ("heads", 16),
                ("patch", 14),
                ("image", 336),
                ("projection", 768),
            ),
        ),
        Part("text", ("llama", "mistral", "qwen2"), "language_model.", runs=True),
    ),
    heads=(
        (
            "lm",
            CompositeHead(
                "the LM head (LlavaForConditionalGeneration)", prefix="model.", lm="lm_head"
            ),
        ),
        ("none", CompositeHead("the base model (LlavaModel)")),
    ),
    projector=MLP_PROJECTOR,
    projector_prefix="multi_modal_projector.",
    own_keywords=(_FEATURE_LAYERS, _PROJECTOR_BIAS),
    defaults=(("tied", False), ("feature_layers", 1), ("projector_bias", True)),
    hf=HFBinding(
        ("llava",),
        fields=(("tied", "tie_word_embeddings"), ("projector_bias", "multimodal_projector_bias")),
        read=_read,
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({},),
        accepted=({"vision_feature_layer": [-2, -5]},),
    ),
)
