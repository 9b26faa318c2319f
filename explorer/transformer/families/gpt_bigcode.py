"""GPTBigCode (SantaCoder, StarCoder; Allal et al. 2023, Li et al. 2023): GPT-2's layout in
``nn.Linear`` (weights [out, in]) with multi-query attention: one key and one value head
shared by every query head, in one fused ``c_attn`` of d_model + 2 head_dim rows
(``multi_query`` false: 3 d_model, multi-head). Learned positions, LayerNorm, biases
everywhere, a 4 x d_model MLP unless ``n_inner``, the LM head tied. Cross-attention (with
``add_cross_attention``) only with multi-head attention: transformers refuses a config
with both (a design of the family's own counts its cross-attention with the key/value heads
given).

Per layer (multi-query) d (d + 2 d_h) + d^2 + 2 d d_ff + 7 d + 2 d_h + d_ff.

Example:
    >>> GPT_BIGCODE.default_map["kv_heads"], GPT_BIGCODE.hf.model_types
    (1, ('gpt_bigcode',))
"""

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConfigError
from explorer.families import HFBinding, check, derived
from explorer.transformer import (
    CROSS,
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["GPT_BIGCODE"]


def _cross_needs_heads(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """transformers refuses cross-attention with multi-query attention."""
    if fields.get("add_cross_attention") and fields.get("multi_query"):
        raise ConfigError(
            "add_cross_attention needs multi_query false: transformers has no multi-query "
            "cross-attention"
        )


GPT_BIGCODE = TransformerFamily(
    name="gpt_bigcode",
    description="GPTBigCode / StarCoder decoder: GPT-2's layout with multi-query attention "
    "(transformers GPTBigCode*)",
    hf=HFBinding(
        ("gpt_bigcode",),
        fields=(
            ("d_model", "n_embd"),
            ("layers", "n_layer"),
            ("heads", "n_head"),
            ("kv_heads", "num_key_value_heads"),
            ("d_ff", "n_inner"),
            ("vocab", "vocab_size"),
            ("context", "n_positions"),
            ("tied", "tie_word_embeddings"),
            ("cross_attention", "add_cross_attention"),
            ("labels", "num_labels"),
        ),
        read=_cross_needs_heads,
        derived=(
            derived(
                "num_key_value_heads",
                {"equals": ["multi_query", True]},
                "const",
                1,
                note="multi-query attention: one key/value head",
            ),
            derived(
                "num_key_value_heads",
                {"equals": ["multi_query", False]},
                "copy",
                "n_head",
                note="multi_query false: one key/value head per query head",
            ),
            derived(
                "n_inner",
                "null",
                "mul",
                4,
                "n_embd",
                stage="model",
                note="GPTBigCodeMLP width: n_inner if set, else 4 * n_embd; the config keeps null",
            ),
        ),
        checks=(check("divisible", "n_embd", "n_head", stage="model"),),
        probes=(
            {},
            {"multi_query": False, "n_embd": 24, "n_head": 3},
            {"hidden_size": 20, "num_attention_heads": 5, "n_inner": 7},
        ),
        refused=(
            ({"n_embd": 12, "n_head": 5}, "model"),
            ({"add_cross_attention": True}, "model"),
        ),
        accepted=({"add_cross_attention": True, "multi_query": False},),
    ),
    naming=Naming(
        embeddings=Embeddings("wte", positions="wpe"),
        stacks=(
            StackNames(
                layer="h.*.",
                sublayers=(
                    Sublayer(Attention(AttentionNames(qkv="attn.c_attn", o="attn.c_proj")), "ln_1"),
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="crossattention.q_attn",
                                kv="crossattention.c_attn",
                                o="crossattention.c_proj",
                            ),
                            cross=True,
                        ),
                        "ln_cross_attn",
                        when=CROSS,
                    ),
                    Sublayer(Mlp(MlpNames(up="mlp.c_fc", down="mlp.c_proj")), "ln_2"),
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (GPTBigCodeModel)")),
            (
                "lm",
                Head("the LM head (GPTBigCodeForCausalLM)", (LmHead("lm_head"),), "transformer."),
            ),
            (
                "classifier",
                Head(
                    "a sequence classifier (GPTBigCodeForSequenceClassification)",
                    (Classifier("score", "labels", bias=False, title="classifier"),),
                    "transformer.",
                ),
            ),
            (
                "token",
                Head(
                    "a token classifier (GPTBigCodeForTokenClassification)",
                    (Classifier("classifier", "labels", title="token classifier"),),
                    "transformer.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
        ("kv_heads", 1),
        ("vocab", 50257),
        ("context", 1024),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("context", "labels", "cross_attention")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
)
