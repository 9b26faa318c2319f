"""What the mixture-of-experts families share beside their blocks: the keywords of dense
and sparse layers, the rules that count them, and when each sublayer is there.

A mixture of experts may sit in every layer (Mixtral, OLMoE, gpt-oss), or in some: after
the first ``first_dense`` layers (DeepSeek's ``first_k_dense_replace``, GLM-4.5's), or in
every ``sparse_step``-th layer except those ``mlp_only`` lists (Qwen-MoE's
``decoder_sparse_step`` and ``mlp_only_layers``: layer i has experts when i + 1 is a
multiple of the step and i is not listed). How many layers have experts is then a size
that follows the depth, ``moe_layers`` (a floor of the pattern, counted exactly), and the
others, ``dense_layers``, keep a dense MLP ``d_dense`` wide.

Example:
    >>> sparse_layers(48, 1, ""), sparse_layers(10, 2, "1,3"), first_dense_layers(61, 3)
    (48, 3, 58)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.errors import ConfigError, InvalidSizeError
from explorer.families import Keyword, SearchChoice
from explorer.transformer._family import SizeRule
from explorer.transformer.blocks import ExpertNames, Experts, Mlp, MlpNames, SharedExperts

if TYPE_CHECKING:
    from collections.abc import Mapping

    from explorer.transformer._naming import StackNames
    from explorer.transformer._structure import TransformerStructure

__all__ = [
    "DEEPSEEK_EXPERTS",
    "DEEPSEEK_SHARED",
    "DENSE_LAYERS",
    "DENSE_MLP",
    "DENSE_RULE",
    "D_DENSE",
    "D_SHARED",
    "FIRST_DENSE",
    "FIRST_DENSE_CHOICE",
    "FIRST_DENSE_RULE",
    "MLP_ONLY",
    "MOE_FIELDS",
    "MOE_LAYERS",
    "ROUTED_CHOICE",
    "SHARED_CHOICE",
    "SHARED_EXPERTS",
    "SPARSE_RULE",
    "SPARSE_STEP",
    "SPARSE_STEP_CHOICE",
    "check_layer_types",
    "dense_everywhere",
    "dense_in_some",
    "first_dense_layers",
    "interleaved",
    "layer_indices",
    "moe_everywhere",
    "moe_in_some",
    "read_first_dense",
    "read_sparse_layers",
    "refuse_null",
    "sparse_layers",
]

#: The first layers that keep a dense MLP (DeepSeek's and GLM-4.5's
#: ``first_k_dense_replace``); 0 or omitted: experts in every layer.
#: The config fields of a mixture whose experts have a width of their own beside the
#: dense MLP's (Qwen-MoE's, GLM-4.5's ``moe_intermediate_size``), and the keywords they set.
MOE_FIELDS = (
    ("d_model", "hidden_size"),
    ("layers", "num_hidden_layers"),
    ("heads", "num_attention_heads"),
    ("kv_heads", "num_key_value_heads"),
    ("head_dim", "head_dim"),
    ("d_ff", "moe_intermediate_size"),
    ("d_dense", "intermediate_size"),
    ("vocab", "vocab_size"),
    ("tied", "tie_word_embeddings"),
    ("experts_per_token", "num_experts_per_tok"),
)
FIRST_DENSE = Keyword(
    "first_dense",
    "the first layers keep a dense MLP, the others a mixture of experts",
    kind="part",
    aliases=("first_k_dense_replace",),
)
#: Every step-th layer has experts (Qwen-MoE's ``decoder_sparse_step``; 1: every layer).
SPARSE_STEP = Keyword(
    "sparse_step",
    "layer i has a mixture of experts when i + 1 is a multiple of the step (1: every layer)",
    kind="part",
    aliases=("decoder_sparse_step",),
)
#: Layers that keep a dense MLP whatever the step (Qwen-MoE's ``mlp_only_layers``).
MLP_ONLY = Keyword(
    "mlp_only",
    "layers that keep a dense MLP, by index, comma-separated (0,3)",
    kind="choice",
    aliases=("mlp_only_layers",),
)
#: The dense MLP's width where some layers keep one (``intermediate_size`` of configs
#: whose experts are ``moe_intermediate_size`` wide).
D_DENSE = Keyword(
    "d_dense",
    "feed-forward width of the dense layers (d_ff is each expert's)",
    symbol="d_dense",
)
#: Shared experts of the routed width fused into one MLP (DeepSeek's ``n_shared_experts``).
SHARED_EXPERTS = Keyword(
    "shared_experts",
    "shared experts every token uses, each d_ff wide, fused into one MLP",
    symbol="n_s",
    aliases=("n_shared_experts",),
)
#: A shared expert's own width (Qwen2-MoE's ``shared_expert_intermediate_size``).
D_SHARED = Keyword(
    "d_shared",
    "width of the shared expert every token uses",
    symbol="d_sh",
    aliases=("shared_expert_intermediate_size",),
)
#: How many layers have a mixture of experts (follows the depth and the pattern).
MOE_LAYERS = Keyword("moe_layers", "layers with a mixture of experts", symbol="L_moe")
#: How many layers keep a dense MLP (the others).
DENSE_LAYERS = Keyword("dense_layers", "layers with a dense MLP", symbol="L_dense")


#: The dense SwiGLU MLP of the layers without experts (``d_dense`` wide).
DENSE_MLP = Mlp(
    MlpNames(up="mlp.up_proj", down="mlp.down_proj", gate="mlp.gate_proj"), width="d_dense"
)
#: DeepSeekMoE's routed experts as DeepSeek-V2/V3 and GLM-4.5 store them (the router of
#: V3 and GLM-4.5 keeps a score-correction bias as a buffer).
DEEPSEEK_EXPERTS = Experts(
    ExpertNames(
        router="mlp.gate", gate_up="mlp.experts.gate_up_proj", down="mlp.experts.down_proj"
    ),
    correction=True,
)
#: DeepSeekMoE's ``n_shared_experts`` shared experts of the routed width, fused.
DEEPSEEK_SHARED = SharedExperts(
    MlpNames(
        up="mlp.shared_experts.up_proj",
        down="mlp.shared_experts.down_proj",
        gate="mlp.shared_experts.gate_proj",
    ),
    count="shared_experts",
)


#: Search choices of the mixture-of-experts families (sampled when asked for).
ROUTED_CHOICE = SearchChoice(
    "experts_per_token", "experts each token is routed to", "int", "experts_per_token", ""
)
SHARED_CHOICE = SearchChoice(
    "shared_experts", "shared experts every token uses", "int", "shared_experts", ""
)
FIRST_DENSE_CHOICE = SearchChoice(
    "first_dense", "dense first layers before the mixtures", "int", "first_dense", ""
)
SPARSE_STEP_CHOICE = SearchChoice(
    "sparse_step", "a mixture of experts every step-th layer", "int", "sparse_step", ""
)


def layer_indices(text: object) -> tuple[int, ...]:
    """The layer indices of an ``mlp_only`` text (``"0,3"``, ``"[0, 3]"``; a list too),
    sorted, each once.

    Raises:
        InvalidSizeError: not a list of layer indices.
    """
    if isinstance(text, (list, tuple)):
        items: list[Any] = list(text)
    else:
        items = [p for p in str(text or "").strip().strip("[]").split(",") if p.strip()]
    found: set[int] = set()
    for item in items:
        try:
            index = int(str(item).strip())
        except ValueError:
            index = -1
        if isinstance(item, bool) or index < 0:
            raise InvalidSizeError(
                f"mlp_only lists layer indices (0, 1 ...), got {str(item)[:20]!r}"
            ) from None
        found.add(index)
    return tuple(sorted(found))


def sparse_layers(layers: Any, step: Any, only: Any) -> Any:
    """Layers with experts among ``layers``: those with (i + 1) a multiple of ``step``
    (0: 1), less the listed ``only`` ones among them; ints or numpy arrays."""
    step = int(step or 1)
    count = layers // step
    for index in layer_indices(only):
        if (index + 1) % step == 0:
            count = count - (index < layers)
    return count


def first_dense_layers(layers: Any, first: Any) -> Any:
    """Layers with experts after the ``first`` dense ones: max(L - first, 0)."""
    left = layers - int(first or 0)
    return max(left, 0) if isinstance(left, int) else left.clip(0)


#: ``moe_layers`` under DeepSeek's and GLM-4.5's pattern.
FIRST_DENSE_RULE = SizeRule(
    "moe_layers", ("layers", "first_dense"), first_dense_layers, "max(layers - first_dense, 0)"
)
#: ``moe_layers`` under Qwen-MoE's pattern.
SPARSE_RULE = SizeRule(
    "moe_layers",
    ("layers", "sparse_step", "mlp_only"),
    sparse_layers,
    "the layers i with i + 1 a multiple of sparse_step, not in mlp_only",
)
#: ``dense_layers``: the others.
DENSE_RULE = SizeRule(
    "dense_layers",
    ("layers", "moe_layers"),
    lambda layers, moe: layers - moe,
    "layers - moe_layers",
)


def interleaved(options: Mapping[str, Any] | TransformerStructure) -> bool:
    """Whether some layers keep a dense MLP beside those with experts (read from a
    structure, or from the sizes and options read so far)."""
    get = options.option if hasattr(options, "option") else options.get
    return bool(
        int(get("first_dense") or 0) > 0
        or int(get("sparse_step") or 0) > 1
        or layer_indices(get("mlp_only") or "")
    )


def moe_everywhere(s: TransformerStructure, stack: StackNames) -> bool:
    """A mixture of experts in every layer."""
    return s.experts and not interleaved(s)


def moe_in_some(s: TransformerStructure, stack: StackNames) -> bool:
    """A mixture of experts in ``moe_layers`` of the layers."""
    return s.experts and interleaved(s)


def dense_everywhere(s: TransformerStructure, stack: StackNames) -> bool:
    """A dense MLP in every layer (no experts at all)."""
    return not s.experts


def dense_in_some(s: TransformerStructure, stack: StackNames) -> bool:
    """A dense MLP in ``dense_layers`` of the layers."""
    return s.experts and interleaved(s)


# -- reading config.json files ----------------------------------------------------------------
def read_sparse_layers(fields: Mapping[str, Any], sizes: dict[str, Any]) -> None:
    """Qwen-MoE's pattern from a config: ``mlp_only_layers`` as a text, a step below 1
    refused (transformers divides by it), and the dense width dropped where no layer is
    dense (every layer has experts)."""
    step = fields.get("decoder_sparse_step")
    if isinstance(step, int) and step < 1:
        raise ConfigError(
            f"decoder_sparse_step must be at least 1 (layer i has experts when i + 1 is a "
            f"multiple of it), got {step}"
        )
    only = fields.get("mlp_only_layers") or []
    sizes["mlp_only"] = ",".join(str(i) for i in layer_indices(only))
    _drop_dense_width(sizes)


def read_first_dense(fields: Mapping[str, Any], sizes: dict[str, Any]) -> None:
    """DeepSeek's and GLM-4.5's pattern from a config: ``first_k_dense_replace`` null
    refused (transformers compares layer indices with it), the dense width dropped where
    no layer is dense."""
    if fields.get("first_k_dense_replace", 0) is None:
        raise ConfigError(
            "first_k_dense_replace must be a number of layers (0: experts in every layer), got null"
        )
    _drop_dense_width(sizes)


def _drop_dense_width(sizes: dict[str, Any]) -> None:
    experts = sizes.get("experts")
    if experts not in (None, 0, False) and not interleaved(sizes):
        sizes.pop("d_dense", None)


def refuse_null(fields: Mapping[str, Any], *names: str) -> None:
    """Refuse the fields among ``names`` given as null that the model reads as numbers
    (the config class admits null; the model fails to build or to run)."""
    for name in names:
        if name in fields and fields[name] is None:
            raise ConfigError(f"{name} must be a number, got null (the model reads it as one)")


def check_layer_types(fields: Mapping[str, Any], expected: list[str]) -> None:
    """Refuse a ``layer_types`` list other than the one the family counts (``expected``:
    the pattern the config class derives from the other fields)."""
    given = fields.get("layer_types")
    if given is not None and list(given) != expected:
        raise ConfigError(
            "layer_types: only the pattern the config derives from its other fields is "
            f"counted ({_pattern(expected)}), got {_pattern(list(given))}; remove it to count"
        )


def _pattern(types: list[str]) -> str:
    shown = ", ".join(t.split("_")[0] for t in types[:4])
    return f"[{shown}{', ...' if len(types) > 4 else ''}] ({len(types)} layers)"
