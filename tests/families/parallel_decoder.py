"""A decoder whose attention and MLP run in parallel from one norm (as GPT-J's), as a test
family: one family module, its new block (:mod:`tests.families.parallel`) and one registry
line; its Hugging Face binding reads a config.json of a model type of its own
(``parallel_decoder``), with its own field map, defaults and model classes.

Per layer 4 d^2 + 4 d (q, k, v, o with biases) + 2 d d_ff + d_ff + d (the MLP, biases) + 2 d
(the shared LayerNorm).

Example:
    >>> PARALLEL_DECODER.hf.model_types
    ('parallel_decoder',)
"""

from explorer.families import HFBinding
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
)
from tests.families.parallel import Parallel

__all__ = ["PARALLEL_DECODER"]

PARALLEL_DECODER = TransformerFamily(
    name="parallel_decoder",
    description="a decoder whose attention and MLP run in parallel from one LayerNorm",
    naming=Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(
                        Parallel(
                            "ln",
                            Attention(
                                AttentionNames(q="attn.q", k="attn.k", v="attn.v", o="attn.o")
                            ),
                            Mlp(MlpNames(up="mlp.fc_in", down="mlp.fc_out")),
                        )
                    ),
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (ParallelDecoderModel)")),
            ("lm", Head("the LM head (ParallelDecoderForCausalLM)", (LmHead(),), "model.")),
        ),
    ),
    defaults=(("head", "lm"), ("tied", False), ("labels", 2)),
    options=frozenset(("labels",)),
    layer_norm=True,
    qkv_bias=True,
    o_bias=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
    hf=HFBinding(
        ("parallel_decoder",),
        fields=(
            ("d_model", "n_embd"),
            ("layers", "n_layer"),
            ("heads", "n_head"),
            ("d_ff", "n_inner"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
        ),
        config_defaults=(
            ("n_embd", 1024),
            ("n_layer", 8),
            ("n_head", 16),
            ("n_inner", None),
            ("vocab_size", 50400),
        ),
        model_classes=("ParallelDecoderModel", "ParallelDecoderForCausalLM"),
    ),
)
