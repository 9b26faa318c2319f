"""The layout and names LLaMA, Mistral, Qwen2, Gemma and Mixtral share in transformers: a
pre-norm decoder of ``self_attn`` (q, k, v, o) and ``mlp`` (gate, up, down; or a mixture
of experts, ``mlp.gate`` and fused ``mlp.experts``), ``embed_tokens``, a final ``norm``.

Example:
    >>> decoder_naming("Llama", qa_prefix="transformer.").head("qa").prefix
    'transformer.'
"""

from __future__ import annotations

from explorer.transformer._naming import DENSE, MOE, Head, Naming, StackNames, Sublayer
from explorer.transformer.blocks import (
    Attention,
    AttentionNames,
    Classifier,
    Embeddings,
    ExpertNames,
    Experts,
    LmHead,
    Mlp,
    MlpNames,
)

__all__ = [
    "DECODER_ATTENTION",
    "DECODER_EXPERTS",
    "DECODER_FIELDS",
    "DECODER_MLP",
    "KV_OFF",
    "decoder_heads",
    "decoder_naming",
]

#: The config fields of LLaMA-style configs and the keywords they set.
DECODER_FIELDS = (
    ("d_model", "hidden_size"),
    ("layers", "num_hidden_layers"),
    ("heads", "num_attention_heads"),
    ("kv_heads", "num_key_value_heads"),
    ("d_ff", "intermediate_size"),
    ("vocab", "vocab_size"),
    ("tied", "tie_word_embeddings"),
    ("labels", "num_labels"),
)
#: Why num_key_value_heads null copies the heads.
KV_OFF = "grouped-query attention off: one key/value head per query head"

#: ``self_attn``'s four projections.
DECODER_ATTENTION = Attention(
    AttentionNames(
        q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj", o="self_attn.o_proj"
    )
)
#: The gated ``mlp``.
DECODER_MLP = Mlp(MlpNames(up="mlp.up_proj", down="mlp.down_proj", gate="mlp.gate_proj"))
#: Mixtral's mixture of experts in the MLP's place.
DECODER_EXPERTS = Experts(
    ExpertNames(router="mlp.gate", gate_up="mlp.experts.gate_up_proj", down="mlp.experts.down_proj")
)


def decoder_heads(prefix: str, *, qa_prefix: str | None = "model.") -> tuple[tuple[str, Head], ...]:
    """The heads of ``{prefix}ForCausalLM``, ``...ForSequenceClassification``,
    ``...ForTokenClassification`` and (``qa_prefix`` not ``None``)
    ``...ForQuestionAnswering``, and the base ``{prefix}Model``."""
    heads: list[tuple[str, Head]] = [
        ("none", Head(f"the base model ({prefix}Model)")),
        ("lm", Head(f"the LM head ({prefix}ForCausalLM)", (LmHead("lm_head"),), "model.")),
        (
            "classifier",
            Head(
                f"a sequence classifier ({prefix}ForSequenceClassification)",
                (Classifier("score", "labels", bias=False, title="classifier"),),
                "model.",
            ),
        ),
        (
            "token",
            Head(
                f"a token classifier ({prefix}ForTokenClassification)",
                (
                    Classifier(
                        "score", "labels", title="token classifier", bias_flag="classifier_bias"
                    ),
                ),
                "model.",
            ),
        ),
    ]
    if qa_prefix is not None:
        heads.append(
            (
                "qa",
                Head(
                    f"question answering ({prefix}ForQuestionAnswering)",
                    (Classifier("qa_outputs", 2, title="answer span"),),
                    qa_prefix,
                ),
            )
        )
    return tuple(heads)


def decoder_naming(prefix: str, *, qa_prefix: str | None = "model.") -> Naming:
    """The names of a ``{prefix}Model`` and its heads (``qa_prefix`` ``None``: no
    question-answering class)."""
    return Naming(
        embeddings=Embeddings("embed_tokens"),
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer(DECODER_ATTENTION, "input_layernorm"),
                    Sublayer(DECODER_MLP, "post_attention_layernorm", when=DENSE),
                    Sublayer(DECODER_EXPERTS, "post_attention_layernorm", when=MOE),
                ),
                final_norm="norm",
            ),
        ),
        heads=decoder_heads(prefix, qa_prefix=qa_prefix),
    )
