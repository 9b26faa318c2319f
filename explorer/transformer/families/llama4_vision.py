"""LLaMA 4's vision tower (Meta 2025): patches unfolded and projected by a linear map without
bias (C p^2 -> d), a class token and learned positions ((image // patch)^2 + 1) as bare
parameters, a LayerNorm before and after the layers (``layernorm_pre``, ``layernorm_post``),
pre-norm layers of LayerNorms with biases everywhere (q, k, v, o; ``fc1``, ``fc2``), and a
pixel-shuffle adapter inside the tower (``vision_adapter``: two linear maps without bias,
from ``intermediate_size`` to ``projector_input_dim``, then ``projector_output_dim`` square).

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "llama4_vision_model", "num_hidden_layers": 1}).total
    52111104
"""

from explorer.families import HFBinding, Keyword
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

__all__ = ["LLAMA4_VISION"]

_ADAPTER = Projector(
    (
        Step("vision_adapter.mlp.fc1", out=("adapter_in",), inputs=("d_ff",),
             what="the pixel-shuffled patch features (intermediate_size wide) to the adapter"),
        Step("vision_adapter.mlp.fc2", out=("adapter_out",), inputs=("adapter_out",),
             what="a second layer of the adapter, square at its output width"),
    ),
    title="pixel-shuffle adapter",
)  # fmt: skip

LLAMA4_VISION = TransformerFamily(
    name="llama4_vision",
    description="LLaMA 4's vision tower: unfolded patches, a class token, learned positions, "
    "LayerNorm layers with biases, a pixel-shuffle adapter (transformers Llama4VisionModel)",
    naming=Naming(
        embeddings=PatchEmbeddings(
            "patch_embedding.linear",
            kind="linear",
            class_token="class_embedding",
            positions="positional_embedding_vlm",
            bare_positions=True,
            norm="layernorm_pre",
        ),
        stacks=(
            StackNames(
                layer="model.layers.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="self_attn.q_proj",
                                k="self_attn.k_proj",
                                v="self_attn.v_proj",
                                o="self_attn.o_proj",
                            )
                        ),
                        "input_layernorm",
                    ),
                    Sublayer(
                        Mlp(MlpNames(up="mlp.fc1", down="mlp.fc2")), "post_attention_layernorm"
                    ),
                ),
                final_norm="layernorm_post",
            ),
        ),
        heads=(
            ("none", Head("the vision tower and its adapter (Llama4VisionModel)", (_ADAPTER,))),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 34),
        ("heads", 16),
        ("d_ff", 5632),
        ("channels", 3),
        ("patch", 14),
        ("image", 448),
        ("adapter_in", 4096),
        ("adapter_out", 4096),
        ("output_dim", 7680),
        ("head", "none"),
    ),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    divisible="always",
    causal=False,
    own_keywords=(
        CHANNELS,
        PATCH,
        IMAGE,
        POSITIONS,
        Keyword(
            "adapter_in",
            "the adapter's hidden width (projector_input_dim)",
            symbol="d_ai",
            aliases=("projector_input_dim",),
        ),
        Keyword(
            "adapter_out",
            "the adapter's output width (projector_output_dim)",
            symbol="d_ao",
            aliases=("projector_output_dim",),
        ),
        Keyword(
            "output_dim",
            "the tower's output width the projector reads (vision_output_dim)",
            symbol="d_vo",
            aliases=("vision_output_dim",),
        ),
    ),
    rules=(grid_positions(class_token=True),),
    structural=frozenset(("image", "output_dim")),
    embedding_sizes=frozenset(("positions",)),
    hf=HFBinding(
        ("llama4_vision_model",),
        fields=(
            *VISION_FIELDS,
            ("image", "image_size"),
            ("adapter_in", "projector_input_dim"),
            ("adapter_out", "projector_output_dim"),
            ("output_dim", "vision_output_dim"),
        ),
        probes=({}, {"hidden_size": 64, "num_attention_heads": 4}),
    ),
)
