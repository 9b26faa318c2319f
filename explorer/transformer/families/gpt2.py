"""GPT-2 and GPT-3-style decoders (Radford et al. 2019; Brown et al. 2020): learned
positions, pre-LayerNorm layers with fused query-key-value, a 4 x d_model MLP, biases
everywhere, weights stored [in, out] (``Conv1D``), the LM head tied to the token embedding.

Per layer 12 d^2 + 13 d; in all V d + n_ctx d + L (12 d^2 + 13 d) + 2 d.

Example:
    >>> GPT2.hf.model_types, GPT2.default_map["vocab"]
    (('gpt2',), 50257)
"""

from collections.abc import Mapping
from typing import Any

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
    task_heads,
)

__all__ = ["GPT2"]

_LM = LmHead("lm_head")


def _double_heads(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """GPT2DoubleHeadsModel's summary layer follows two fields: none without
    ``summary_use_proj``, d_model wide without ``summary_proj_to_labels``."""
    if sizes.get("head") != "double":
        return
    if not fields.get("summary_use_proj"):
        sizes["head"] = "double_plain"
    elif not fields.get("summary_proj_to_labels"):
        sizes["head"] = "double_hidden"


GPT2 = TransformerFamily(
    name="gpt2",
    description="GPT-2 / GPT-3-style decoder: learned positions, LayerNorm, fused attention, "
    "tied LM head (transformers GPT2*)",
    hf=HFBinding(
        ("gpt2",),
        fields=(
            ("d_model", "n_embd"),
            ("layers", "n_layer"),
            ("heads", "n_head"),
            ("d_ff", "n_inner"),
            ("vocab", "vocab_size"),
            ("context", "n_positions"),
            ("tied", "tie_word_embeddings"),
            ("cross_attention", "add_cross_attention"),
            ("labels", "num_labels"),
        ),
        heads=(("DoubleHeadsModel", "double"),),
        read=_double_heads,
        derived=(
            derived(
                "n_inner",
                "null",
                "mul",
                4,
                "n_embd",
                stage="model",
                note="GPT2MLP width: n_inner if set, else 4 * n_embd; the config keeps null",
            ),
        ),
        checks=(check("divisible", "n_embd", "n_head", stage="model"),),
        probes=({}, {"n_embd": 20, "n_head": 5}, {"hidden_size": 12, "n_inner": 7}),
        refused=(({"n_embd": 12, "n_head": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings("wte", positions="wpe"),
        stacks=(
            StackNames(
                layer="h.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(qkv="attn.c_attn", o="attn.c_proj"), transposed=True
                        ),
                        "ln_1",
                    ),
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="crossattention.q_attn",
                                kv="crossattention.c_attn",
                                o="crossattention.c_proj",
                            ),
                            cross=True,
                            transposed=True,
                        ),
                        "ln_cross_attn",
                        when=CROSS,
                    ),
                    Sublayer(
                        Mlp(MlpNames(up="mlp.c_fc", down="mlp.c_proj"), transposed=True), "ln_2"
                    ),
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (GPT2Model)")),
            ("lm", Head("the LM head (GPT2LMHeadModel)", (_LM,), "transformer.")),
            *task_heads("GPT2", "transformer."),
            (
                "double",
                Head(
                    "LM and multiple-choice heads (GPT2DoubleHeadsModel)",
                    (
                        _LM,
                        Classifier(
                            "multiple_choice_head.summary", 1, title="summary", per_sequence=True
                        ),
                    ),
                    "transformer.",
                ),
            ),
            (
                "double_hidden",
                Head(
                    "LM and multiple-choice heads, summary kept d_model wide "
                    "(GPT2DoubleHeadsModel, summary_proj_to_labels false)",
                    (
                        _LM,
                        Classifier(
                            "multiple_choice_head.summary",
                            "d_model",
                            title="summary",
                            per_sequence=True,
                        ),
                    ),
                    "transformer.",
                ),
            ),
            (
                "double_plain",
                Head(
                    "LM and multiple-choice heads, no summary layer "
                    "(GPT2DoubleHeadsModel, summary_use_proj false)",
                    (_LM,),
                    "transformer.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 768),
        ("layers", 12),
        ("heads", 12),
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
