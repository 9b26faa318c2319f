"""SigLIP's vision tower (Zhai et al. 2023): CLIP's encoder layers (biases everywhere,
LayerNorms) on patches cut by a convolution with bias, learned positions ((image //
patch)^2, no class token), a final ``post_layernorm``, and, with ``vision_use_head``, an
attention-pooling head (``head``: a learned probe query, a multi-head attention with fused
``in_proj``, a LayerNorm and an MLP). The vision tower of PaliGemma, Gemma 3, LLaVA variants.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff; the pooling head 5 d^2 + 2 d d_ff + 8 d + d_ff.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "siglip_vision_model"}).total  # SigLIP base, 224 pixels
    92884224
"""

from explorer.families import HFBinding, Keyword, check
from explorer.transformer import (
    CHANNELS,
    IMAGE,
    PATCH,
    POSITIONS,
    VISION_FIELDS,
    Head,
    Naming,
    PatchEmbeddings,
    Projector,
    Step,
    TransformerFamily,
    grid_positions,
)
from explorer.transformer.families.clip_vision import ENCODER_LAYERS

__all__ = ["POOLING_HEAD", "SIGLIP_VISION", "USE_HEAD"]

#: SigLIP's attention-pooling head (a multihead attention pooling, Lee et al. 2019), with
#: ``vision_use_head``.
POOLING_HEAD = Projector(
    (
        Step("head.probe", "parameter", shape=((1,), (1,), ("d_model",)),
             what="the learned query that pools the patches"),
        Step("head.attention.in_proj_weight", "parameter", shape=((3, "d_model"), ("d_model",)),
             what="the pooling attention's query, key and value projections in one matrix"),
        Step("head.attention.in_proj_bias", "bias", out=(3, "d_model"),
             what="their biases"),
        Step("head.attention.out_proj", out=("d_model",), inputs=("d_model",), bias=True,
             what="the pooling attention's output projection"),
        Step("head.layernorm", "norm", out=("d_model",), what="the pooled vector's LayerNorm"),
        Step("head.mlp.fc1", out=("d_ff",), inputs=("d_model",), bias=True,
             what="the pooling head's MLP, up"),
        Step("head.mlp.fc2", out=("d_model",), inputs=("d_ff",), bias=True,
             what="the pooling head's MLP, down"),
    ),
    title="pooling head",
    when="pooling_head",
)  # fmt: skip

#: The switch of the pooling head.
USE_HEAD = Keyword(
    "pooling_head",
    "an attention-pooling head on the final states (vision_use_head)",
    kind="flag",
    aliases=("vision_use_head",),
)

SIGLIP_VISION = TransformerFamily(
    name="siglip_vision",
    description="SigLIP's vision tower: patches with bias, learned positions, CLIP's encoder "
    "layers, an attention-pooling head (transformers SiglipVision*)",
    naming=Naming(
        embeddings=PatchEmbeddings(
            "embeddings.patch_embedding", bias=True, positions="embeddings.position_embedding"
        ),
        stacks=(ENCODER_LAYERS,),
        heads=(("none", Head("the vision tower (SiglipVisionModel)", (POOLING_HEAD,))),),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("d_ff", 3072),
        ("channels", 3),
        ("patch", 16),
        ("image", 224),
        ("pooling_head", True),
        ("head", "none"),
    ),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    causal=False,
    embedding_sizes=frozenset(("positions",)),
    own_keywords=(CHANNELS, PATCH, IMAGE, POSITIONS, USE_HEAD),
    rules=(grid_positions(class_token=False),),
    structural=frozenset(("image",)),
    hf=HFBinding(
        ("siglip_vision_model",),
        fields=(*VISION_FIELDS, ("image", "image_size"), ("pooling_head", "vision_use_head")),
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=({}, {"vision_use_head": False}),
        refused=(({"hidden_size": 30, "num_attention_heads": 4}, "model"),),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "image_size": 50},),
    ),
)
