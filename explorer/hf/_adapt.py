"""From a resolved config and a model class to a family's keywords: which field sets which
size, and which head a class puts on the base model.

Example:
    >>> design = adapt({"model_type": "gpt2"}, model="GPT2Model")
    >>> design.family, design.sizes["d_model"], design.sizes["head"]
    ('gpt2', 768, 'none')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from explorer.errors import ConfigError, did_you_mean
from explorer.hf._data import type_data
from explorer.hf._resolve import resolve

__all__ = ["FIELDS", "HFDesign", "adapt", "head_of"]

_LLAMA_LIKE = (
    ("d_model", "hidden_size"),
    ("layers", "num_hidden_layers"),
    ("heads", "num_attention_heads"),
    ("kv_heads", "num_key_value_heads"),
    ("d_ff", "intermediate_size"),
    ("vocab", "vocab_size"),
    ("tied", "tie_word_embeddings"),
    ("labels", "num_labels"),
)

#: model_type -> (keyword, config field) pairs: which field sets which size.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "gpt2": (
        ("d_model", "n_embd"),
        ("layers", "n_layer"),
        ("heads", "n_head"),
        ("d_ff", "n_inner"),
        ("vocab", "vocab_size"),
        ("context", "n_positions"),
        ("tied", "tie_word_embeddings"),
        ("cross_attention", "add_cross_attention"),
        ("labels", "num_labels"),
    ),
    "bert": (
        ("d_model", "hidden_size"),
        ("layers", "num_hidden_layers"),
        ("heads", "num_attention_heads"),
        ("d_ff", "intermediate_size"),
        ("vocab", "vocab_size"),
        ("context", "max_position_embeddings"),
        ("type_vocab", "type_vocab_size"),
        ("tied", "tie_word_embeddings"),
        ("cross_attention", "add_cross_attention"),
        ("labels", "num_labels"),
    ),
    "llama": (
        *_LLAMA_LIKE,
        ("head_dim", "head_dim"),
        ("attention_bias", "attention_bias"),
        ("mlp_bias", "mlp_bias"),
    ),
    "mistral": (*_LLAMA_LIKE, ("head_dim", "head_dim")),
    "qwen2": (*_LLAMA_LIKE, ("head_dim", "head_dim")),
    "gemma": (*_LLAMA_LIKE, ("head_dim", "head_dim"), ("attention_bias", "attention_bias")),
    "mixtral": (
        *_LLAMA_LIKE,
        ("head_dim", "head_dim"),
        ("experts", "num_local_experts"),
        ("experts_per_token", "num_experts_per_tok"),
    ),
    "gpt_neox": (
        ("d_model", "hidden_size"),
        ("layers", "num_hidden_layers"),
        ("heads", "num_attention_heads"),
        ("d_ff", "intermediate_size"),
        ("vocab", "vocab_size"),
        ("attention_bias", "attention_bias"),
        ("tied", "tie_word_embeddings"),
        ("labels", "num_labels"),
    ),
    "t5": (
        ("d_model", "d_model"),
        ("layers", "num_layers"),
        ("decoder_layers", "num_decoder_layers"),
        ("heads", "num_heads"),
        ("head_dim", "d_kv"),
        ("d_ff", "d_ff"),
        ("vocab", "vocab_size"),
        ("buckets", "relative_attention_num_buckets"),
        ("gated", "is_gated_act"),
        ("tied", "tie_word_embeddings"),
        ("labels", "num_labels"),
    ),
}

#: Sizes that follow a rule (the family's, as transformers derives them) unless the file
#: itself gives them: a value the config class derived is not passed on.
_FROM_FILE_ONLY = {"llama": {"head_dim"}, "mistral": {"head_dim"}, "t5": {"decoder_layers"}}

#: The end of a class name -> the head it puts on the base model (longest first).
_HEADS = (
    ("DoubleHeadsModel", "double"),
    ("EncoderModel", "encoder"),
    ("LMHeadModel", "lm"),
    ("ForConditionalGeneration", "lm"),
    ("ForCausalLM", "lm"),
    ("ForMaskedLM", "mlm"),
    ("ForPreTraining", "pretraining"),
    ("ForNextSentencePrediction", "nsp"),
    ("ForSequenceClassification", "classifier"),
    ("ForTokenClassification", "token"),
    ("ForQuestionAnswering", "qa"),
    ("ForMultipleChoice", "multiple_choice"),
    ("Model", "none"),
)


@dataclass(frozen=True, slots=True)
class HFDesign:
    """A config read for one model class: the family and its keywords.

    Attributes:
        model_type, model: the config's ``model_type`` and the class counted.
        family: the explorer family that counts it.
        sizes: the family's keywords.
        fields: keyword -> the config field it comes from (``d_model`` -> ``hidden_size``).
        config: the resolved config fields.
        notes: what was read otherwise than the file says, and unknown fields.
    """

    model_type: str
    model: str
    family: str
    sizes: dict[str, Any]
    fields: dict[str, str]
    config: dict[str, Any]
    notes: tuple[str, ...]


def head_of(model: str) -> str:
    """The head a model class puts on its base model.

    Example:
        >>> head_of("LlamaForCausalLM"), head_of("BertModel"), head_of("T5EncoderModel")
        ('lm', 'none', 'encoder')
    """
    for ending, head in _HEADS:
        if model.endswith(ending):
            return head
    return "none"


def adapt(
    given: Mapping[str, Any], *, model: str | None = None, source: str = "config"
) -> HFDesign:
    """Read a config.json dict for a model class (default: the config's
    ``architectures``, else its base model)."""
    fields, notes = resolve(given, source=source)
    model_type = str(given["model_type"])
    entry = type_data(model_type)
    classes: dict[str, Any] = entry["model_classes"]
    chosen = model or _default_class(given, entry)
    if chosen not in classes:
        guess = did_you_mean(str(chosen)[:60], classes)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ConfigError(
            f"{source}: {str(chosen)[:60]!r} is not a {model_type} model class{hint} "
            f"(known: {', '.join(sorted(classes))})"
        )
    head = head_of(chosen)
    if head == "double":  # GPT2DoubleHeadsModel's summary layer follows two fields
        if not fields.get("summary_use_proj"):
            head = "double_plain"
        elif not fields.get("summary_proj_to_labels"):
            head = "double_hidden"
    _refuse_unsupported(chosen, head, fields, given, source)
    sizes: dict[str, Any] = {"head": head}
    if head == "token" and given.get("token_classification_bias") is False:
        sizes["classifier_bias"] = False
    used: dict[str, str] = {}
    file_only = _FROM_FILE_ONLY.get(model_type, ())
    aliases: dict[str, str] = entry["attribute_map"]
    in_file = {aliases.get(k, k) for k, v in given.items() if v is not None} if file_only else set()
    for keyword, field in FIELDS[model_type]:
        value = fields.get(field)
        if value is None or (keyword in file_only and field not in in_file):
            continue
        sizes[keyword] = value
        used[keyword] = field
    return HFDesign(model_type, chosen, model_type, sizes, used, fields, tuple(notes))


def _default_class(given: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    architectures = given.get("architectures")
    if isinstance(architectures, list) and architectures:
        first = architectures[0]
        if isinstance(first, str) and first in entry["model_classes"]:
            return first
    return str(entry["auto"]["base"])


def _refuse_unsupported(
    model: str, head: str, fields: Mapping[str, Any], given: Mapping[str, Any], source: str
) -> None:
    unread = model_type_of(given) not in _CLASSIFIER_BIAS
    if given.get("token_classification_bias") is False and head == "token" and unread:
        raise ConfigError(f"{source}: token_classification_bias is not read by {model}; remove it")


_CLASSIFIER_BIAS = frozenset(("llama", "mistral", "qwen2", "gemma", "mixtral"))


def model_type_of(given: Mapping[str, Any]) -> str:
    """The ``model_type`` of a config dict."""
    return str(given.get("model_type"))
