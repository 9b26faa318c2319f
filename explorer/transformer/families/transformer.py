"""A Transformer with every option: LayerNorm or RMSNorm, plain or gated MLP, biases on
or off, learned positions (give ``context``), token types, a mixture of experts, an
encoder-decoder (give ``decoder_layers``), grouped-query attention, a head of its own
width; parameter names of its own.

Example:
    >>> import explorer
    >>> explorer.count("transformer", d_model=64, layers=2, vocab=100, heads=4).total
    111424
"""

from explorer.transformer import (
    CROSS,
    DENSE,
    MOE,
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    ExpertNames,
    Experts,
    Head,
    LmHead,
    Mlp,
    MlpNames,
    Naming,
    StackNames,
    Sublayer,
    TransformerFamily,
)

__all__ = ["TRANSFORMER"]

_LAYER = (
    Sublayer(
        Attention(
            AttentionNames(q="attention.q", k="attention.k", v="attention.v", o="attention.o")
        ),
        "attention_norm",
    ),
    Sublayer(
        Attention(AttentionNames(q="cross.q", k="cross.k", v="cross.v", o="cross.o"), cross=True),
        "cross_norm",
        when=CROSS,
    ),
    Sublayer(Mlp(MlpNames(up="mlp.up", down="mlp.down", gate="mlp.gate")), "mlp_norm", when=DENSE),
    Sublayer(
        Experts(
            ExpertNames(router="mlp.router", gate_up="mlp.experts.gate_up", down="mlp.experts.down")
        ),
        "mlp_norm",
        when=MOE,
    ),
)

TRANSFORMER = TransformerFamily(
    name="transformer",
    description="a Transformer with every option: norms, biases, gated MLP, positions, "
    "experts, encoder-decoder, grouped-query attention",
    naming=Naming(
        embeddings=Embeddings("embed_tokens", positions="embed_positions", types="embed_types"),
        stacks=(
            StackNames(layer="layers.*.", sublayers=_LAYER, final_norm="norm"),
            StackNames(
                layer="decoder.layers.*.", sublayers=_LAYER, final_norm="decoder.norm", decoder=True
            ),
        ),
        heads=(
            ("none", Head("no head")),
            ("lm", Head("an LM head", (LmHead("lm_head"),))),
            (
                "classifier",
                Head(
                    "a classifier",
                    (Classifier("classifier", "labels", title="classifier"),),
                ),
            ),
        ),
    ),
    defaults=(("head", "lm"), ("tied", False), ("labels", 2), ("norm", "rmsnorm")),
    options=frozenset(
        (
            "context",
            "type_vocab",
            "experts",
            "experts_per_token",
            "decoder_layers",
            "labels",
            "attention_bias",
            "mlp_bias",
            "cross_attention",
            "gated",
            "norm",
        )
    ),
    d_ff_rule="times4",
    divisible="derived",
)
