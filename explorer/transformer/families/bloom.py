"""BLOOM (BigScience 2022): ALiBi attention biases (Press et al. 2022: a fixed slope per
head, no parameters, no products a counter sees beyond the scores), a LayerNorm right after
the word embeddings (``word_embeddings_layernorm``), pre-LayerNorm layers with a fused
query-key-value, a 4 x d_model MLP, biases everywhere, the LM head tied. Older released
configs name the width ``n_embed`` (the config class takes it for ``hidden_size``).

Per layer 12 d^2 + 13 d; in all V d + L (12 d^2 + 13 d) + 4 d: BLOOM-560M 559,214,592.

Example:
    >>> BLOOM.default_map["vocab"], BLOOM.hf.field_of("layers")
    (250880, 'n_layer')
"""

from explorer.families import HFBinding, check, derived
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
    task_heads,
)

__all__ = ["BLOOM"]

BLOOM = TransformerFamily(
    name="bloom",
    description="BLOOM decoder: ALiBi (no position parameters), a LayerNorm after the word "
    "embeddings, fused attention, biases everywhere (transformers Bloom*)",
    hf=HFBinding(
        ("bloom",),
        fields=(
            ("d_model", "hidden_size"),
            ("d_model", "n_embed"),
            ("layers", "n_layer"),
            ("heads", "n_head"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        derived=(
            derived(
                "hidden_size",
                {"given": "n_embed"},
                "copy",
                "n_embed",
                note="n_embed, where a file gives it, is the hidden size",
            ),
        ),
        checks=(check("divisible", "hidden_size", "n_head", stage="model"),),
        probes=({}, {"hidden_size": 24, "n_head": 3}, {"n_embed": 20, "num_attention_heads": 4}),
        refused=(({"hidden_size": 12, "n_head": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings("word_embeddings", norm="word_embeddings_layernorm"),
        stacks=(
            StackNames(
                layer="h.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                qkv="self_attention.query_key_value", o="self_attention.dense"
                            )
                        ),
                        "input_layernorm",
                    ),
                    Sublayer(
                        Mlp(MlpNames(up="mlp.dense_h_to_4h", down="mlp.dense_4h_to_h")),
                        "post_attention_layernorm",
                    ),
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (BloomModel)")),
            ("lm", Head("the LM head (BloomForCausalLM)", (LmHead("lm_head"),), "transformer.")),
            *task_heads("Bloom", "transformer."),
        ),
    ),
    defaults=(
        ("d_model", 64),
        ("layers", 2),
        ("heads", 8),
        ("vocab", 250880),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("labels",)),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
)
