"""LFM2-VL (Liquid AI 2025): SigLIP 2's vision tower, a projector that unshuffles each f x f
block of patches into one vector (d_v f^2 wide), normalises it (LayerNorm, with
``projector_use_layernorm``) and maps it to the text width through a hidden layer
(``projector_hidden_size``), and an LFM2 language model (attention and short-convolution
layers) with its LM head, tied by default.

Projector: 2 d_v f^2 (norm) + P d_v f^2 + d P (+ P + d biases with ``projector_bias``).

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "lfm2_vl"}, model="Lfm2VlForConditionalGeneration").total
    2812857088
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["LFM2_VL"]

_PROJECTOR = Projector(
    (
        Step("layer_norm", "norm", out=("vision_d_model", "downsample", "downsample"),
             what="a LayerNorm of each unshuffled block of patches", when="projector_norm"),
        Step("linear_1", out=("projector_width",),
             inputs=("vision_d_model", "downsample", "downsample"), bias="projector_bias",
             what="each downsample x downsample block of patch features to the hidden width"),
        Step("linear_2", out=("text_d_model",), inputs=("projector_width",),
             bias="projector_bias", what="the hidden layer to the text width"),
    ),
    title="multimodal projector",
)  # fmt: skip

_OWN = (
    Keyword(
        "downsample",
        "patches unshuffled into one vector along each side (downsample_factor)",
        symbol="f",
        aliases=("downsample_factor",),
    ),
    Keyword(
        "projector_width",
        "the projector's hidden width (projector_hidden_size)",
        symbol="P",
        aliases=("projector_hidden_size",),
    ),
    Keyword("projector_bias", "biases in the projector", kind="flag", aliases=("projector_bias",)),
    Keyword(
        "projector_norm",
        "a LayerNorm before the projector (projector_use_layernorm)",
        kind="flag",
        aliases=("projector_use_layernorm",),
    ),
)


def _read(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The composite's own ``tie_word_embeddings`` decides (``tie_embedding`` too)."""
    sizes.pop("text_tied", None)
    if "tie_embedding" in fields:
        sizes["tied"] = fields["tie_embedding"]


LFM2_VL = CompositeFamily(
    name="lfm2_vl",
    description="LFM2-VL: SigLIP 2's vision tower, a pixel-unshuffle projector, an LFM2 "
    "language model (transformers Lfm2Vl*)",
    parts=(
        Part("vision", ("siglip2_vision",), "vision_tower.", tag="v"),
        Part("text", ("lfm2",), "language_model.", runs=True),
    ),
    heads=(
        (
            "lm",
            CompositeHead(
                "the LM head (Lfm2VlForConditionalGeneration)", prefix="model.", lm="lm_head"
            ),
        ),
        ("none", CompositeHead("the base model (Lfm2VlModel)")),
    ),
    projector=_PROJECTOR,
    projector_prefix="multi_modal_projector.",
    own_keywords=_OWN,
    defaults=(
        ("tied", True),
        ("downsample", 2),
        ("projector_width", 2560),
        ("projector_bias", True),
        ("projector_norm", True),
    ),
    hf=HFBinding(
        ("lfm2_vl",),
        fields=(
            ("tied", "tie_word_embeddings"),
            ("downsample", "downsample_factor"),
            ("projector_width", "projector_hidden_size"),
            ("projector_bias", "projector_bias"),
            ("projector_norm", "projector_use_layernorm"),
        ),
        read=_read,
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({},),
        accepted=({"projector_use_layernorm": False, "downsample_factor": 3},),
    ),
)
