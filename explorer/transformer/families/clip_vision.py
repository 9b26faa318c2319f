"""CLIP's vision tower (Radford et al. 2021; ViT, Dosovitskiy et al. 2021): the image cut
into patches by a convolution without bias, a class token, learned positions ((image //
patch)^2 + 1), a LayerNorm before the layers (``pre_layrnorm``, as transformers spells it),
pre-norm encoder layers with biases everywhere (q, k, v, ``out_proj``; ``fc1``, ``fc2``), a
final ``post_layernorm``; ``CLIPVisionModelWithProjection`` adds ``visual_projection``.
The vision tower of LLaVA.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff; the front C p^2 d + d (n_p + 1) + 2 d.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "clip_vision_model"}).total  # ViT-B/32
    87456000
"""

from explorer.families import HFBinding, Keyword, check
from explorer.transformer import (
    CHANNELS,
    IMAGE,
    PATCH,
    POSITIONS,
    VISION_FIELDS,
    Attention,
    AttentionNames,
    Head,
    Mlp,
    MlpNames,
    Naming,
    PatchEmbeddings,
    Projector,
    StackNames,
    Step,
    Sublayer,
    TransformerFamily,
    grid_positions,
)

__all__ = ["CLIP_VISION", "ENCODER_ATTENTION", "ENCODER_LAYERS", "ENCODER_MLP"]

#: CLIP's and SigLIP's encoder attention: q, k, v and ``out_proj``.
ENCODER_ATTENTION = Attention(
    AttentionNames(
        q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj", o="self_attn.out_proj"
    )
)
#: Their two-matrix MLP.
ENCODER_MLP = Mlp(MlpNames(up="mlp.fc1", down="mlp.fc2"))
#: Their encoder layers (pre-norm), and the norm after them.
ENCODER_LAYERS = StackNames(
    layer="encoder.layers.*.",
    sublayers=(
        Sublayer(ENCODER_ATTENTION, "layer_norm1"),
        Sublayer(ENCODER_MLP, "layer_norm2"),
    ),
    final_norm="post_layernorm",
)

#: The output projection's width: a number of the structure (only that head reads it).
_PROJECTION = Keyword(
    "projection", "width of the output projection", kind="part", aliases=("projection_dim",)
)

CLIP_VISION = TransformerFamily(
    name="clip_vision",
    description="CLIP's vision tower: patches, a class token, learned positions, pre-norm "
    "encoder layers with biases (transformers CLIPVision*)",
    naming=Naming(
        embeddings=PatchEmbeddings(
            "embeddings.patch_embedding",
            class_token="embeddings.class_embedding",
            positions="embeddings.position_embedding",
            norm="pre_layrnorm",
        ),
        stacks=(ENCODER_LAYERS,),
        heads=(
            ("none", Head("the vision tower (CLIPVisionModel)")),
            (
                "projection",
                Head(
                    "the tower and its output projection (CLIPVisionModelWithProjection)",
                    (
                        Projector(
                            (
                                Step(
                                    "visual_projection",
                                    out=("projection",),
                                    inputs=("d_model",),
                                    what="the class token's final state to the shared "
                                    "image-text width",
                                ),
                            ),
                            title="visual projection",
                            inside=False,
                        ),
                    ),
                    "vision_model.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("d_ff", 3072),
        ("channels", 3),
        ("patch", 32),
        ("image", 224),
        ("projection", 512),
        ("head", "none"),
    ),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    causal=False,
    own_keywords=(CHANNELS, PATCH, IMAGE, POSITIONS, _PROJECTION),
    rules=(grid_positions(class_token=True),),
    structural=frozenset(("image", "projection")),
    embedding_sizes=frozenset(("positions",)),
    hf=HFBinding(
        ("clip_vision_model",),
        fields=(
            *VISION_FIELDS,
            ("image", "image_size"),
            ("projection", "projection_dim"),
        ),
        heads=(("ModelWithProjection", "projection"),),
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=({}, {"hidden_size": 64, "num_attention_heads": 4}),
        refused=(({"hidden_size": 30, "num_attention_heads": 4}, "model"),),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "image_size": 50},),
    ),
)
