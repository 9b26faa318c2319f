"""GPT-J (Wang & Komatsuzaki 2021): attention and MLP side by side from one LayerNorm
(``ln_1``; the block adds both to the residual), rotary positions on the first
``rotary_dim`` features of each head (no parameters), attention without biases, an MLP of
4 d_model with biases, and an LM head with a bias of its own (kept when the weight is
tied). The parallel block holds what a sequential one would, less the second norm.

Per layer 4 d^2 + 2 d d_ff + d_ff + 3 d; GPT-J 6B 6,053,381,344 parameters.

Example:
    >>> GPTJ.default_map["d_model"], GPTJ.default_map["tied"]
    (4096, False)
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import (
    Attention,
    AttentionNames,
    Classifier,
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

__all__ = ["GPTJ"]

GPTJ = TransformerFamily(
    name="gptj",
    description="GPT-J decoder: attention and MLP in parallel from one LayerNorm, rotary, no "
    "attention biases, an LM head with a bias (transformers GPTJ*)",
    hf=HFBinding(
        ("gptj",),
        fields=(
            ("d_model", "n_embd"),
            ("layers", "n_layer"),
            ("heads", "n_head"),
            ("d_ff", "n_inner"),
            ("vocab", "vocab_size"),
            ("tied", "tie_word_embeddings"),
            ("labels", "num_labels"),
        ),
        derived=(
            derived(
                "n_inner",
                "null",
                "mul",
                4,
                "n_embd",
                stage="model",
                note="GPTJMLP width: n_inner if set, else 4 * n_embd; the config keeps null",
            ),
        ),
        checks=(check("divisible", "n_embd", "n_head", stage="model"),),
        probes=({}, {"hidden_size": 24, "n_head": 3, "n_inner": 40, "rotary_dim": 4}),
        refused=(({"n_embd": 12, "n_head": 5}, "model"),),
    ),
    naming=Naming(
        embeddings=Embeddings("wte"),
        stacks=(
            StackNames(
                layer="h.*.",
                sublayers=(
                    Sublayer(
                        Attention(
                            AttentionNames(
                                q="attn.q_proj", k="attn.k_proj", v="attn.v_proj", o="attn.out_proj"
                            )
                        ),
                        "ln_1",
                    ),
                    # in parallel with the attention, from the same norm: none of its own
                    Sublayer(Mlp(MlpNames(up="mlp.fc_in", down="mlp.fc_out"))),
                ),
                final_norm="ln_f",
            ),
        ),
        heads=(
            ("none", Head("the base model (GPTJModel)")),
            (
                "lm",
                Head(
                    "the LM head with its bias (GPTJForCausalLM)",
                    (LmHead("lm_head", bias=True),),
                    "transformer.",
                ),
            ),
            (
                "classifier",
                Head(
                    "a sequence classifier (GPTJForSequenceClassification)",
                    (Classifier("score", "labels", bias=False, title="classifier"),),
                    "transformer.",
                ),
            ),
            (
                "qa",
                Head(
                    "question answering (GPTJForQuestionAnswering)",
                    (Classifier("qa_outputs", 2, title="answer span"),),
                    "transformer.",
                ),
            ),
        ),
    ),
    defaults=(
        ("d_model", 4096),
        ("layers", 28),
        ("heads", 16),
        ("vocab", 50400),
        ("head", "lm"),
        ("tied", False),
        ("labels", 2),
    ),
    options=frozenset(("labels",)),
    layer_norm=True,
    mlp_bias=True,
    d_ff_rule="times4",
    divisible="always",
)
