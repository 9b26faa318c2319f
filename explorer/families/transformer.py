"""A Transformer with every option: LayerNorm or RMSNorm, plain or gated MLP, biases on
or off, learned positions (give ``context``), token types, a mixture of experts, an
encoder-decoder (give ``decoder_layers``), grouped-query attention, a head of its own
width; parameter names of its own.

Example:
    >>> import explorer
    >>> explorer.count("transformer", d_model=64, layers=2, vocab=100, heads=4).total
    111424
"""

from explorer.blocks.attention import AttentionNames
from explorer.blocks.mlp import ExpertNames, MlpNames
from explorer.families._transformer import TransformerFamily
from explorer.families._transformer_naming import Head, HeadPart, Naming, StackNames, Sublayer

__all__ = ["TRANSFORMER"]

_ATTENTION = AttentionNames(q="attention.q", k="attention.k", v="attention.v", o="attention.o")
_CROSS = AttentionNames(q="cross.q", k="cross.k", v="cross.v", o="cross.o")
_MLP = Sublayer("mlp", MlpNames(up="mlp.up", down="mlp.down", gate="mlp.gate"), "mlp_norm")
_EXPERTS = ExpertNames(router="mlp.router", gate_up="mlp.experts.gate_up", down="mlp.experts.down")

TRANSFORMER = TransformerFamily(
    name="transformer",
    description="a Transformer with every option: norms, biases, gated MLP, positions, "
    "experts, encoder-decoder, grouped-query attention",
    model_type="",
    naming=Naming(
        token="embed_tokens",
        positions="embed_positions",
        types="embed_types",
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer("attention", _ATTENTION, "attention_norm"),
                    Sublayer("cross", _CROSS, "cross_norm"),
                    _MLP,
                ),
                final_norm="norm",
                experts=_EXPERTS,
            ),
            StackNames(
                layer="decoder.layers.*.",
                sublayers=(
                    Sublayer("attention", _ATTENTION, "attention_norm"),
                    Sublayer("cross", _CROSS, "cross_norm"),
                    _MLP,
                ),
                final_norm="decoder.norm",
                experts=_EXPERTS,
                decoder=True,
            ),
        ),
        heads=(
            ("none", Head("no head")),
            ("lm", Head("an LM head", (HeadPart("lm", "lm_head"),))),
            (
                "classifier",
                Head(
                    "a classifier",
                    (HeadPart("linear", "classifier", "labels", title="classifier"),),
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
