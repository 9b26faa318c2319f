"""GPT-NeoX (Black et al. 2022; Pythia): rotary positions, fused query-key-value, LayerNorm,
a 4 x d_model MLP with biases, an untied LM head.

Example:
    >>> GPT_NEOX.default_map["tied"]
    False
"""

from explorer.families import HFBinding, check
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

__all__ = ["GPT_NEOX"]

GPT_NEOX = TransformerFamily(
    name="gpt_neox",
    description="GPT-NeoX / Pythia decoder: rotary, fused attention, LayerNorm, untied LM "
    "head (transformers GPTNeoX*)",
    hf=HFBinding(
        ("gpt_neox",),
        fields=(
            ("d_model", "hidden_size"),
            ("layers", "num_hidden_layers"),
            ("heads", "num_attention_heads"),
            ("d_ff", "intermediate_size"),
            ("vocab", "vocab_size"),
            ("attention_bias", "attention_bias"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        checks=(check("divisible", "hidden_size", "num_attention_heads"),),
        probes=({}, {"hidden_size": 24, "num_attention_heads": 6}),
        refused=(({"hidden_size": 12, "num_attention_heads": 5}, "config"),),
    ),
    naming=Naming(
        embeddings=Embeddings("embed_in"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(qkv="attention.query_key_value", o="attention.dense")
                        ),
                        "input_layernorm",
                    ),
                    Sublayer(
                        Mlp(MlpNames(up="mlp.dense_h_to_4h", down="mlp.dense_4h_to_h")),
                        "post_attention_layernorm",
                    ),
                ),
                final_norm="final_layer_norm",
            ),
        ),
        heads=(
            ("none", Head("the base model (GPTNeoXModel)")),
            (
                "lm",
                Head("the LM head (GPTNeoXForCausalLM)", (LmHead("lm_head"),), "gpt_neox."),
            ),
            *task_heads("GPTNeoX", "gpt_neox."),
        ),
    ),
    defaults=(
        ("d_model", 6144),
        ("layers", 44),
        ("heads", 64),
        ("vocab", 50432),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
        ("attention_bias", True),
    ),
    options=frozenset(("labels", "attention_bias")),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
)
