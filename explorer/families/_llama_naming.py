"""The parameter names LLaMA, Mistral, Qwen2, Gemma and Mixtral share in transformers.

Example:
    >>> decoder_naming("Llama", qa_prefix="transformer.").head("qa").prefix
    'transformer.'
"""

from __future__ import annotations

from explorer.blocks.attention import AttentionNames
from explorer.blocks.mlp import ExpertNames, MlpNames
from explorer.families._transformer_naming import Head, HeadPart, Naming, StackNames, Sublayer

__all__ = ["decoder_naming"]

_ATTENTION = AttentionNames(
    q="self_attn.q_proj", k="self_attn.k_proj", v="self_attn.v_proj", o="self_attn.o_proj"
)
_MLP = MlpNames(up="mlp.up_proj", down="mlp.down_proj", gate="mlp.gate_proj")
_EXPERTS = ExpertNames(
    router="mlp.gate", gate_up="mlp.experts.gate_up_proj", down="mlp.experts.down_proj"
)


def decoder_naming(prefix: str, *, qa_prefix: str | None = "model.") -> Naming:
    """The names of a ``{prefix}Model`` and its heads (``qa_prefix`` ``None``: no
    question-answering class)."""
    heads: list[tuple[str, Head]] = [
        ("none", Head(f"the base model ({prefix}Model)")),
        ("lm", Head(f"the LM head ({prefix}ForCausalLM)", (HeadPart("lm", "lm_head"),), "model.")),
        (
            "classifier",
            Head(
                f"a sequence classifier ({prefix}ForSequenceClassification)",
                (HeadPart("linear", "score", "labels", bias=False, title="classifier"),),
                "model.",
            ),
        ),
        (
            "token",
            Head(
                f"a token classifier ({prefix}ForTokenClassification)",
                (
                    HeadPart(
                        "linear",
                        "score",
                        "labels",
                        title="token classifier",
                        bias_flag="classifier_bias",
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
                    (HeadPart("linear", "qa_outputs", 2, title="answer span"),),
                    qa_prefix,
                ),
            )
        )
    return Naming(
        token="embed_tokens",
        stacks=(
            StackNames(
                layer="layers.*.",
                sublayers=(
                    Sublayer("attention", _ATTENTION, "input_layernorm"),
                    Sublayer("mlp", _MLP, "post_attention_layernorm"),
                ),
                final_norm="norm",
                experts=_EXPERTS,
            ),
        ),
        heads=tuple(heads),
    )
