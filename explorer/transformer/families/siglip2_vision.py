"""SigLIP 2's vision tower (Tschannen et al. 2025; the NaFlex variant transformers ships):
SigLIP's encoder on flattened patches projected by a linear map with bias (C p^2 -> d),
``num_patches`` learned positions (resized to the image's grid when it is read), a final
``post_layernorm`` and, with ``vision_use_head``, SigLIP's attention-pooling head. The vision
tower of LFM2-VL.

Per layer 4 d^2 + 2 d d_ff + 9 d + d_ff; the front C p^2 d + d + n_p d.

Example:
    >>> from explorer.hf import count_hf
    >>> count_hf({"model_type": "siglip2_vision_model"}).total
    92930304
"""

from explorer.families import HFBinding, check
from explorer.transformer import (
    CHANNELS,
    PATCH,
    POSITIONS,
    VISION_FIELDS,
    Head,
    Naming,
    PatchEmbeddings,
    TransformerFamily,
)
from explorer.transformer.families.clip_vision import ENCODER_LAYERS
from explorer.transformer.families.siglip_vision import POOLING_HEAD, USE_HEAD

__all__ = ["SIGLIP2_VISION"]

SIGLIP2_VISION = TransformerFamily(
    name="siglip2_vision",
    description="SigLIP 2's vision tower: linear patch embeddings, learned positions, CLIP's "
    "encoder layers, an attention-pooling head (transformers Siglip2VisionModel)",
    naming=Naming(
        embeddings=PatchEmbeddings(
            "embeddings.patch_embedding",
            kind="linear",
            bias=True,
            positions="embeddings.position_embedding",
        ),
        stacks=(ENCODER_LAYERS,),
        heads=(("none", Head("the vision tower (Siglip2VisionModel)", (POOLING_HEAD,))),),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("d_ff", 3072),
        ("channels", 3),
        ("patch", 16),
        ("positions", 256),
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
    own_keywords=(CHANNELS, PATCH, POSITIONS, USE_HEAD),
    hf=HFBinding(
        ("siglip2_vision_model",),
        fields=(*VISION_FIELDS, ("positions", "num_patches"), ("pooling_head", "vision_use_head")),
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=({}, {"vision_use_head": False, "num_patches": 64}),
        refused=(({"hidden_size": 30, "num_attention_heads": 4}, "model"),),
        accepted=({"hidden_size": 32, "num_attention_heads": 4, "num_patches": 10},),
    ),
)
