"""Falcon (Almazrouei et al. 2023): a decoder with one fused query-key-value matrix of
(heads + 2 kv_heads) x head_dim rows: multi-query (one key/value head, Falcon-7B),
grouped (``new_decoder_architecture``: ``num_kv_heads``, Falcon-40B and 180B) or
multi-head (``multi_query`` false); attention and MLP side by side, from one LayerNorm or
(the new architecture) each from its own (``ln_attn``, ``ln_mlp``), or one after the other
(``parallel_attn`` false: ``input_layernorm``, ``post_attention_layernorm``); rotary
positions or ALiBi (no parameters either way), no biases unless ``bias``, a 4 x d_model
MLP unless ``ffn_hidden_size``, the LM head tied. Older files name the width ``n_embed``.

Per layer (multi-query, one norm) d (d + 2 d_h) + d^2 + 2 d d_ff + 2 d.

Example:
    >>> FALCON.default_map["heads"], FALCON.default_map["kv_heads"]
    (71, 1)
"""

from collections.abc import Mapping
from typing import Any

from explorer.families import HFBinding, Keyword, check, derived
from explorer.transformer import (
    Attention,
    AttentionNames,
    Embeddings,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
    TransformerStructure,
    task_heads,
)

__all__ = ["FALCON"]

_PARALLEL = Keyword(
    "parallel_attn",
    "attention and MLP side by side, from the same input (false: one after the other)",
    kind="flag",
)
_NORMS = Keyword(
    "parallel_norms",
    "norms of a parallel layer: one shared by attention and MLP, or two (ln_attn, ln_mlp)",
    kind="choice",
    choices=("one", "two"),
)


def _sequential(s: TransformerStructure, stack: StackNames) -> bool:
    return not s.option("parallel_attn")


def _two(s: TransformerStructure, stack: StackNames) -> bool:
    return bool(s.option("parallel_attn")) and s.option("parallel_norms") == "two"


def _shared(s: TransformerStructure, stack: StackNames) -> bool:
    return bool(s.option("parallel_attn")) and s.option("parallel_norms") != "two"


def _not_two(s: TransformerStructure, stack: StackNames) -> bool:
    return not _two(s, stack)


def _norms(fields: Mapping[str, Any], model: str, sizes: dict[str, Any]) -> None:
    """The layer's norms: FalconDecoderLayer takes num_ln_in_parallel_attn null as 2 under
    the new architecture; two norms where it is 2, one otherwise."""
    count = fields.get("num_ln_in_parallel_attn")
    if count is None and fields.get("new_decoder_architecture"):
        count = 2
    sizes["parallel_norms"] = "two" if count == 2 else "one"


_ATTENTION = Attention(
    AttentionNames(qkv="self_attention.query_key_value", o="self_attention.dense")
)
_MLP = Mlp(MlpNames(up="mlp.dense_h_to_4h", down="mlp.dense_4h_to_h"))

FALCON = TransformerFamily(
    name="falcon",
    description="Falcon decoder: fused multi-query or grouped attention, attention and MLP "
    "in parallel from one or two LayerNorms, no biases (transformers Falcon*)",
    hf=HFBinding(
        ("falcon",),
        fields=(
            ("d_model", "hidden_size"),
            ("d_model", "n_embed"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("kv_heads", "num_key_value_heads"),
            ("d_ff", "ffn_hidden_size"),
            ("vocab", "vocab_size"),
            ("attention_bias", "bias"),
            ("mlp_bias", "bias"),
            ("parallel_attn", "parallel_attn"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        from_file_only=frozenset(("d_ff",)),
        null_means_none=frozenset(("attention_bias", "mlp_bias", "parallel_attn")),
        read=_norms,
        derived=(
            derived(
                "hidden_size",
                {"given": "n_embed"},
                "copy",
                "n_embed",
                note="n_embed, where a file gives it, is the hidden size",
            ),
            derived(
                "num_kv_heads",
                "null",
                "copy",
                "num_attention_heads",
                note="one key/value head per query head unless given",
            ),
            derived(
                "num_key_value_heads",
                "always",
                "copy",
                "num_kv_heads",
                note="the key/value heads the attention builds",
            ),
            derived(
                "num_key_value_heads",
                {"equals": ["multi_query", True]},
                "const",
                1,
                note="multi-query attention: one key/value head",
            ),
            derived(
                "num_key_value_heads",
                {"equals": ["new_decoder_architecture", True]},
                "copy",
                "num_kv_heads",
                note="the new architecture reads num_kv_heads, multi_query or not",
            ),
            derived(
                "ffn_hidden_size",
                "null",
                "mul",
                4,
                "hidden_size",
                note="the MLP is 4 x hidden_size wide unless given",
            ),
        ),
        checks=(check("divisible", "hidden_size", "num_attention_heads", stage="model"),),
        probes=(
            {},
            {"hidden_size": 16, "num_attention_heads": 4, "multi_query": False},
            {
                "hidden_size": 16,
                "num_attention_heads": 4,
                "num_kv_heads": 2,
                "new_decoder_architecture": True,
                "ffn_hidden_size": 40,
            },
            {"n_embed": 24, "num_attention_heads": 4, "num_kv_heads": 2},
        ),
        refused=(({"hidden_size": 12, "num_attention_heads": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings("word_embeddings"),
        stacks=(
            StackNames(
                layer="h.*.",
                sublayers=(
                    Sublayer(_ATTENTION, "input_layernorm", when=_not_two),
                    Sublayer(_ATTENTION, "ln_attn", when=_two),
                    Sublayer(_MLP, "post_attention_layernorm", when=_sequential),
                    Sublayer(_MLP, "ln_mlp", when=_two),
                    Sublayer(_MLP, when=_shared),  # the attention's norm feeds it too
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (FalconModel)")),
            ("lm", Head("the LM head (FalconForCausalLM)", (LmHead("lm_head"),), "transformer.")),
            *task_heads("Falcon", "transformer."),
        ),
    ),
    defaults=(
        ("d_model", 4544),
        ("layers", 32),
        ("heads", 71),
        ("kv_heads", 1),
        ("vocab", 65024),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
        ("parallel_attn", True),
        ("parallel_norms", "one"),
    ),
    options=frozenset(("labels", "attention_bias", "mlp_bias")),
    own_keywords=(_PARALLEL, _NORMS),
    layer_norm=True,
    d_ff_rule="times4",
    divisible="always",
)
