"""Pixtral's vision tower (Mistral AI 2024, "Pixtral 12B"): patches cut by a convolution
without bias, an RMSNorm before the layers (``ln_pre``), no learned positions (2D rotary
positions), pre-norm layers of RMSNorms, attention without biases and a gated (SwiGLU) MLP;
no final norm. The vision tower of Mistral Small 3.1 (``mistral3``).

Per layer 4 d^2 + 3 d d_ff + 2 d; the front C p^2 d + d.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "pixtral"}).total  # 1024 wide, 24 layers, 16-pixel patches
    403489792
"""

from explorer.families import HFBinding
from explorer.transformer import (
    CHANNELS,
    PATCH,
    VISION_FIELDS,
    Attention,
    AttentionNames,
    Head,
    Mlp,
    MlpNames,
    Naming,
    PatchEmbeddings,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["PIXTRAL"]

PIXTRAL = TransformerFamily(
    name="pixtral",
    description="Pixtral's vision tower: patches, RMSNorms, rotary positions, gated MLPs "
    "(transformers PixtralVisionModel)",
    naming=Naming(
        embeddings=PatchEmbeddings("patch_conv", norm="ln_pre"),
        stacks=(
            StackNames(
                layer="transformer.layers.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="attention.q_proj",
                                k="attention.k_proj",
                                v="attention.v_proj",
                                o="attention.o_proj",
                            )
                        ),
                        "attention_norm",
                    ),
                    Sublayer(
                        Mlp(
                            MlpNames(
                                up="feed_forward.up_proj",
                                down="feed_forward.down_proj",
                                gate="feed_forward.gate_proj",
                            )
                        ),
                        "ffn_norm",
                    ),
                ),
            ),
        ),
        heads=(("none", Head("the vision tower (PixtralVisionModel)")),),
    ),
    defaults=(
        ("d_model", 1024),
        ("layers", 24),
        ("heads", 16),
        ("d_ff", 4096),
        ("channels", 3),
        ("patch", 16),
        ("head", "none"),
    ),
    gated=True,
    divisible="always",
    even_rotary=True,
    causal=False,
    own_keywords=(CHANNELS, PATCH),
    hf=HFBinding(
        ("pixtral",),
        fields=VISION_FIELDS,
        refused=(({"hidden_size": 54, "num_attention_heads": 2}, "config"),),
        probes=({}, {"hidden_size": 64, "num_attention_heads": 4}),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "image_size": 50},),
    ),
)
