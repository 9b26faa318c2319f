"""Gemma (Gemma Team 2024): LLaMA's layout with a head_dim of its own (256 by default, not
d_model // heads), the LM head tied to the token embedding, optional attention biases.

Example:
    >>> GEMMA.default_map["head_dim"], GEMMA.default_map["tied"]
    (256, True)
"""

from explorer.families import HFBinding, check, derived
from explorer.transformer import DECODER_FIELDS, TransformerFamily, decoder_naming

__all__ = ["GEMMA"]

GEMMA = TransformerFamily(
    name="gemma",
    description="Gemma decoder: LLaMA's layout, head_dim of its own, tied LM head "
    "(transformers Gemma*)",
    hf=HFBinding(
        ("gemma",),
        fields=(*DECODER_FIELDS, ("head_dim", "head_dim"), ("attention_bias", "attention_bias")),
        token_classification_bias=True,
        derived=(
            derived(
                "hidden_act",
                {"equals": ["hidden_act", "gelu"]},
                "const",
                "gelu_pytorch_tanh",
                note="legacy value of the released configs (no count change)",
            ),
        ),
        checks=(check("even_rotary_head_dim", "head_dim"),),
        probes=({}, {"head_dim": 8}),
        refused=(({"head_dim": 5}, "config"),),
    ),
    naming=decoder_naming("Gemma", qa_prefix=None),
    defaults=(
        ("d_model", 3072),
        ("layers", 28),
        ("heads", 16),
        ("kv_heads", 16),
        ("head_dim", 256),
        ("vocab", 256000),
        ("d_ff", 24576),
        ("head", "lm"),
        ("tied", True),
        ("labels", 2),
    ),
    options=frozenset(("labels", "classifier_bias", "attention_bias")),
    gated=True,
    even_rotary=True,
)
