"""Qwen3.5's vision tower (as Qwen3-VL's, without its deepstack mergers): video patches of
t frames x p x p pixels cut by a 3D convolution with bias, ``num_position_embeddings``
learned positions (interpolated to the image's grid), pre-norm blocks of LayerNorms, a fused
``qkv`` attention and a two-matrix MLP, all with biases; no final norm but a patch merger
inside the tower (``merger``: a LayerNorm, then each s x s block of patches through two
layers with bias to ``out_hidden_size``, the text width).

Per block 4 d^2 + 2 d d_ff + 9 d + d_ff; the merger 2 d + d^2 s^4 + d s^2 (1 + d_o) + d_o.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "qwen3_5_vision", "depth": 1}).total
    57423568
"""

from explorer.families import HFBinding, Keyword
from explorer.transformer import (
    CHANNELS,
    FRAMES,
    PATCH,
    POSITIONS,
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
)

__all__ = ["MERGER", "QWEN3_5_VISION"]

#: The patch merger at the end of Qwen3.5's (and Qwen3-VL's) vision tower.
MERGER = Projector(
    (
        Step("merger.norm", "norm", out=("d_model",), what="a LayerNorm of each patch's features"),
        Step("merger.linear_fc1", out=("d_model", "spatial_merge", "spatial_merge"),
             inputs=("d_model", "spatial_merge", "spatial_merge"), bias=True,
             what="each s x s block of patches, concatenated, through a hidden layer"),
        Step("merger.linear_fc2", out=("out_width",),
             inputs=("d_model", "spatial_merge", "spatial_merge"), bias=True,
             what="the merged block to the text width"),
    ),
    title="patch merger",
)  # fmt: skip

QWEN3_5_VISION = TransformerFamily(
    name="qwen3_5_vision",
    description="Qwen3.5's vision tower: 3D patches, learned positions, fused-qkv blocks, a "
    "patch merger (transformers Qwen3_5VisionModel)",
    naming=Naming(
        embeddings=PatchEmbeddings(
            "patch_embed.proj", kind="conv3d", bias=True, positions="pos_embed"
        ),
        stacks=(
            StackNames(
                layer="blocks.*.",
                sublayers=(
                    Sublayer(Attention(AttentionNames(qkv="attn.qkv", o="attn.proj")), "norm1"),
                    Sublayer(Mlp(MlpNames(up="mlp.linear_fc1", down="mlp.linear_fc2")), "norm2"),
                ),
            ),
        ),
        heads=(("none", Head("the vision tower and its merger (Qwen3_5VisionModel)", (MERGER,))),),
    ),
    defaults=(
        ("d_model", 1152),
        ("layers", 27),
        ("heads", 16),
        ("d_ff", 4304),
        ("channels", 3),
        ("patch", 16),
        ("frames", 2),
        ("positions", 2304),
        ("spatial_merge", 2),
        ("out_width", 3584),
        ("head", "none"),
    ),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    even_rotary=True,
    causal=False,
    embedding_sizes=frozenset(("positions",)),
    own_keywords=(
        CHANNELS,
        PATCH,
        FRAMES,
        POSITIONS,
        Keyword(
            "spatial_merge",
            "patches merged along each side",
            symbol="s",
            aliases=("spatial_merge_size",),
        ),
        Keyword(
            "out_width",
            "the merger's output width (the text width)",
            symbol="d_o",
            aliases=("out_hidden_size",),
        ),
    ),
    hf=HFBinding(
        ("qwen3_5_vision",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "depth"),
            ("heads", "num_heads"),
            ("d_ff", "intermediate_size"),
            ("channels", "in_channels"),
            ("patch", "patch_size"),
            ("frames", "temporal_patch_size"),
            ("positions", "num_position_embeddings"),
            ("spatial_merge", "spatial_merge_size"),
            ("out_width", "out_hidden_size"),
        ),
        probes=({}, {"depth": 2, "num_heads": 4}),
        accepted=({"hidden_size": 32, "num_heads": 4, "spatial_merge_size": 3},),
    ),
)
