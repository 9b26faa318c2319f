"""LLaMA 4 (Meta 2025, Llama 4 Scout and Maverick): LLaMA 4's vision tower (with its
pixel-shuffle adapter), a projector without bias from the tower's output width to the text
width (``multi_modal_projector.linear_1``), and LLaMA 4's language model as a causal LM of
its own inside the composite (``language_model.model``, ``language_model.lm_head``).

Active parameters per token: the language model's (its router, shared expert and k routed
experts in each mixture-of-experts layer; embeddings, attention, dense layers), and every
parameter of the vision tower and the projector (they are used for each image, not per
token of text); Meta's "17B active" counts the language model.

Example:
    >>> from explorer.hf import count_hf
    >>> c = count_hf({"model_type": "llama4", "text_config": {"num_hidden_layers": 2},
    ...               "vision_config": {"num_hidden_layers": 1}})
    >>> c.total, c.subtotals["projector"]
    (6564612864, 39321600)
"""

from explorer.families import HFBinding
from explorer.transformer import Projector, Step
from explorer.transformer.composite import CompositeFamily, CompositeHead, Part

__all__ = ["LLAMA4"]

LLAMA4 = CompositeFamily(
    name="llama4",
    description="LLaMA 4: a vision tower with a pixel-shuffle adapter, a linear projector, "
    "a mixture-of-experts language model (transformers Llama4ForConditionalGeneration)",
    parts=(
        Part("vision", ("llama4_vision",), "vision_model.", tag="v"),
        Part("text", ("llama4_text",), "language_model.", head="lm", runs=True),
    ),
    heads=(("lm", CompositeHead("the LM head (Llama4ForConditionalGeneration)")),),
    projector=Projector(
        (
            Step(
                "linear_1",
                out=("text_d_model",),
                inputs=("vision_output_dim",),
                what="the image features to the text width",
            ),
        ),
        title="multimodal projector",
    ),
    projector_prefix="multi_modal_projector.",
    hf=HFBinding(
        ("llama4",),
        fields=(),
        parts=(("vision", "vision_config"), ("text", "text_config")),
        probes=({},),
    ),
)
