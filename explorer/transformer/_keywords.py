"""The keywords of the Transformer families, as users know them; each family states its
own defaults (its Hugging Face config class's) and which optional keywords it accepts.

Example:
    >>> ks = transformer_keywords({"d_model": 768}, frozenset())
    >>> [k.name for k in ks][:4], ks[0].default
    (['d_model', 'layers', 'heads', 'kv_heads'], 768)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.families import Keyword

__all__ = [
    "CORE",
    "KV_RANK",
    "NOPE_DIM",
    "OPTIONAL",
    "Q_RANK",
    "ROPE_DIM",
    "V_DIM",
    "WINDOW",
    "WINDOW_FROM",
    "WINDOW_PERIOD",
    "WINDOW_UNTIL",
    "transformer_keywords",
]

#: Sliding-window attention: how many positions a windowed layer attends to (its cache
#: keeps the last W - 1 after a forward pass); a keyword a family with windows takes.
WINDOW = Keyword(
    "window",
    "sliding-window attention: positions a windowed layer attends to",
    kind="part",
    aliases=("sliding_window",),
)
#: Local and global layers alternating: every p-th layer attends to everything, the others
#: through the window (Gemma 2: 2, Gemma 3: 6; omitted: every layer is windowed).
WINDOW_PERIOD = Keyword(
    "window_period",
    "every p-th layer attends globally, the others through the window (omitted: all windowed)",
    kind="part",
    aliases=("sliding_window_pattern",),
)
#: Windowed layers from this index on, the ones below global (Qwen2 and Qwen3's
#: ``max_window_layers``; omitted: every layer is windowed).
WINDOW_FROM = Keyword(
    "window_from",
    "layers from this index on attend through the window, those below globally",
    kind="part",
    aliases=("max_window_layers",),
)

#: Windowed layers only below this index, those from it on global (Qwen2-MoE's
#: ``max_window_layers``; with ``window_period``, the period's local layers below it).
WINDOW_UNTIL = Keyword(
    "window_until",
    "only layers below this index attend through the window, those from it on globally",
    kind="part",
)

#: Multi-head latent attention (DeepSeek-V2): the query latent's width (absent: queries
#: straight from d_model), the key/value latent's, and a head's widths: the part of a
#: query and key without rotary embedding, the rotary part, the value.
Q_RANK = Keyword(
    "q_rank",
    "width of the query latent (absent: no query latent, queries straight from d_model)",
    kind="part",
    symbol="r_q",
    aliases=("q_lora_rank",),
)
KV_RANK = Keyword(
    "kv_rank", "width of the key/value latent (what the cache keeps)", symbol="r_kv",
    aliases=("kv_lora_rank",),
)  # fmt: skip
NOPE_DIM = Keyword(
    "nope_dim", "a head's query and key width without rotary embedding", symbol="d_nope",
    aliases=("qk_nope_head_dim",),
)  # fmt: skip
ROPE_DIM = Keyword(
    "rope_dim", "a head's rotary query and key width (the rotary key is shared by the heads)",
    symbol="d_rope", aliases=("qk_rope_head_dim",),
)  # fmt: skip
V_DIM = Keyword("v_dim", "a head's value width", symbol="d_v", aliases=("v_head_dim",))

_ALL: tuple[Keyword, ...] = (
    Keyword(
        "d_model",
        "model width (hidden size)",
        symbol="d",
        help="model width d (hidden size)",
        solvable=True,
        aliases=("hidden_size", "n_embd", "dim"),
        guesses=("d", "d_model", "dmodel", "hidden", "n_embd", "h_d", "h"),
    ),
    Keyword(
        "layers",
        "number of layers",
        symbol="L",
        help="number of layers L (the encoder's, for an encoder-decoder)",
        solvable=True,
        aliases=("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
        guesses=("L", "layers", "n_layer", "n_layers", "nl", "N", "l"),
    ),
    Keyword(
        "heads",
        "attention heads (query heads)",
        symbol="n_h",
        aliases=("num_attention_heads", "n_head", "num_heads", "n_heads"),
        guesses=("n_h", "heads", "n_head", "n_heads", "a", "A"),
    ),
    Keyword(
        "kv_heads",
        "key/value heads (fewer than heads: grouped-query; 1: multi-query attention)",
        symbol="n_kv",
        aliases=("num_key_value_heads", "n_kv_heads", "num_kv_heads"),
        guesses=("n_kv", "kv_heads", "g", "K"),
        rule="as many as heads",
    ),
    Keyword(
        "head_dim",
        "width of one attention head",
        symbol="d_h",
        aliases=("d_kv", "head_size", "kv_channels"),
        guesses=("d_h", "head_dim", "d_k", "d_kv", "dh"),
        rule="d_model // heads",
    ),
    Keyword(
        "d_ff",
        "feed-forward width (per expert for a mixture of experts)",
        symbol="d_ff",
        solvable=True,
        aliases=("intermediate_size", "n_inner", "ffn_dim", "d_inner", "ffn_hidden_size"),
        guesses=("d_ff", "dff", "ff", "d_i", "f", "I"),
    ),
    Keyword(
        "vocab",
        "vocabulary size (token embedding rows)",
        symbol="V",
        solvable=True,
        aliases=("vocab_size", "n_vocab"),
        guesses=("V", "v", "vocab", "n_vocab", "vocab_size"),
    ),
    Keyword(
        "context",
        "positions of the learned position embedding (maximum context)",
        kind="part",
        symbol="n_ctx",
        solvable=True,
        aliases=("max_position_embeddings", "n_positions", "max_seq_len"),
        guesses=("n_ctx", "ctx", "context", "T", "P", "s"),
    ),
    Keyword(
        "type_vocab",
        "token types (BERT's segment embedding rows)",
        kind="part",
        symbol="n_t",
        aliases=("type_vocab_size",),
        guesses=("n_t", "type_vocab", "T_v"),
    ),
    Keyword(
        "experts",
        "experts per mixture-of-experts layer",
        kind="part",
        symbol="E",
        solvable=True,
        aliases=("num_local_experts", "num_experts", "n_experts", "moe_num_experts"),
        guesses=("E", "experts", "n_experts", "e"),
    ),
    Keyword(
        "experts_per_token",
        "experts a token is routed to (active parameters)",
        symbol="k",
        aliases=("num_experts_per_tok", "top_k", "moe_top_k"),
        guesses=("k", "top_k", "experts_per_token"),
    ),
    Keyword(
        "decoder_layers",
        "decoder layers of an encoder-decoder",
        symbol="L_d",
        solvable=True,
        aliases=("num_decoder_layers",),
        guesses=("L_d", "decoder_layers", "n_dec"),
        rule="as many as layers",
    ),
    Keyword(
        "labels",
        "classes of a classifier head",
        symbol="n_y",
        aliases=("num_labels",),
        guesses=("n_y", "labels", "num_labels", "C"),
    ),
    Keyword(
        "buckets",
        "relative position buckets (T5)",
        symbol="n_b",
        aliases=("relative_attention_num_buckets",),
        guesses=("n_b", "buckets"),
    ),
    Keyword(
        "ffn_multiple_of",
        "LLaMA's feed-forward rounding step, Meta's multiple_of (with d_ff left to the rule)",
    ),
    Keyword(
        "ffn_dim_multiplier",
        "LLaMA's feed-forward multiplier (with d_ff left to the rule)",
        kind="number",
    ),
    Keyword("head", "what sits on the layers", kind="choice"),
    Keyword(
        "tied",
        "the LM head shares the token embedding matrix",
        kind="flag",
        aliases=("tie_word_embeddings", "tie_embeddings"),
    ),
    Keyword("attention_bias", "biases in the attention projections", kind="flag"),
    Keyword(
        "classifier_bias",
        "the token classifier has a bias",
        kind="flag",
        aliases=("token_classification_bias",),
    ),
    Keyword("mlp_bias", "biases in the MLP", kind="flag"),
    Keyword(
        "cross_attention",
        "cross-attention in every layer (a decoder reading an encoder)",
        kind="flag",
        aliases=("add_cross_attention",),
    ),
    Keyword("gated", "a gated MLP (three matrices: SwiGLU, GeGLU)", kind="flag"),
    Keyword("norm", "the normalisation", kind="choice", choices=("layernorm", "rmsnorm")),
)

#: Keywords every Transformer family takes.
CORE = frozenset(
    ("d_model", "layers", "heads", "kv_heads", "head_dim", "d_ff", "vocab", "head", "tied")
)
#: Keywords a family takes only when it says so (``options``).
OPTIONAL = frozenset(k.name for k in _ALL) - CORE


def transformer_keywords(
    defaults: Mapping[str, Any],
    options: frozenset[str],
    *,
    heads: tuple[str, ...] = (),
    rules: Mapping[str, str] | None = None,
    required: frozenset[str] = frozenset(),
) -> tuple[Keyword, ...]:
    """The keywords of one family: the core ones and its ``options``, with its
    ``defaults``, head choices, rules (what a size follows when not given) and required
    sizes."""
    rules = rules or {}
    result = []
    for keyword in _ALL:
        if keyword.name not in CORE and keyword.name not in options:
            continue
        changes: dict[str, Any] = {
            "default": defaults.get(keyword.name),
            "required": keyword.name in required,
        }
        if keyword.name == "head":
            changes["choices"] = heads
        if keyword.name in rules:
            changes["rule"] = rules[keyword.name]
        result.append(keyword._replace(**changes))
    return tuple(result)
