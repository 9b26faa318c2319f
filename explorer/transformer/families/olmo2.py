"""OLMo 2 (OLMo et al. 2024) and OLMo 3: LLaMA's projections with the norms after the
blocks (``post_attention_layernorm`` on the attention's output, ``post_feedforward_layernorm``
on the MLP's, no norm before them) and RMSNorms of the queries and keys over the full width
(``heads x head_dim`` and ``kv_heads x head_dim`` scales); OLMo 3 adds sliding-window
attention on three layers of four (``layer_types``). head_dim = d_model // heads, floored,
unless the file gives one.

Per layer d d_h (2 n_h + 2 n_kv) + 3 d d_ff + 2 d + d_h (n_h + n_kv).

Example:
    >>> import explorer
    >>> c = explorer.count("olmo2", d_model=64, layers=1, heads=4, kv_heads=2, vocab=100,
    ...                    d_ff=96)
    >>> c.breakdown["model.layers.*.self_attn.k_norm.weight"]  # 2 key heads of 16
    32
"""

from explorer.families import HFBinding, check, derived, head_dim_attribute
from explorer.transformer import (
    DECODER_ATTENTION,
    DECODER_FIELDS,
    DECODER_MLP,
    KV_OFF,
    WINDOW,
    WINDOW_FROM,
    WINDOW_PERIOD,
    WINDOW_PERIOD_CHOICE,
    Embeddings,
    Naming,
    QKNorm,
    StackNames,
    Sublayer,
    TransformerFamily,
    decoder_heads,
    layer_types_reader,
)

__all__ = ["OLMO2", "OLMO3"]

_NAMING = Naming(
    embeddings=Embeddings("embed_tokens"),
    stacks=(
        StackNames(
            layer="layers.*.",
            sublayers=(
                Sublayer(DECODER_ATTENTION, "post_attention_layernorm"),
                Sublayer(QKNorm("self_attn.q_norm", "self_attn.k_norm", width="full")),
                Sublayer(DECODER_MLP, "post_feedforward_layernorm"),
            ),
            final_norm="norm",
        ),
    ),
    heads=tuple((n, h) for n, h in decoder_heads("Olmo2") if n in ("none", "lm", "classifier")),
)
_DEFAULTS = (
    ("d_model", 4096),
    ("layers", 32),
    ("heads", 32),
    ("vocab", 50304),
    ("d_ff", 11008),
    ("head", "lm"),
    ("tied", False),
    ("labels", 2),
)
_FIELDS = (*DECODER_FIELDS, ("head_dim", "head_dim"), ("attention_bias", "attention_bias"))


def _derived(config: str) -> tuple[dict[str, object], ...]:
    return (
        derived("num_key_value_heads", "null", "copy", "num_attention_heads", note=KV_OFF),
        head_dim_attribute(config),
    )


OLMO2 = TransformerFamily(
    name="olmo2",
    description="OLMo 2 decoder: norms after the attention and the MLP, query/key RMSNorms "
    "over the full width (transformers Olmo2*)",
    naming=_NAMING,
    defaults=_DEFAULTS,
    options=frozenset(("labels", "attention_bias")),
    gated=True,
    hf=HFBinding(
        ("olmo2",),
        fields=_FIELDS,
        derived=_derived("Olmo2Config"),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)

OLMO3 = TransformerFamily(
    name="olmo3",
    description="OLMo 3 decoder: OLMo 2's layout, sliding-window attention on three layers of "
    "four (transformers Olmo3*)",
    naming=Naming(
        embeddings=_NAMING.embeddings,
        stacks=_NAMING.stacks,
        heads=tuple((n, h) for n, h in decoder_heads("Olmo3") if n in ("none", "lm", "classifier")),
    ),
    defaults=(*_DEFAULTS, ("window", 4096), ("window_period", 4)),
    options=frozenset(("labels", "attention_bias")),
    gated=True,
    own_keywords=(WINDOW, WINDOW_PERIOD, WINDOW_FROM),
    own_choices=(WINDOW_PERIOD_CHOICE,),
    structural=frozenset(("window", "window_period", "window_from")),
    hf=HFBinding(
        ("olmo3",),
        fields=(*_FIELDS, ("window", "sliding_window")),
        null_means_none=frozenset(("window",)),
        read=layer_types_reader(period=4),
        derived=_derived("Olmo3Config"),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"num_key_value_heads": None, "num_attention_heads": 8}),
        refused=(({"head_dim": 7}, "config"),),
        accepted=({"hidden_size": 38, "num_attention_heads": 4, "num_key_value_heads": 2},),
    ),
)
