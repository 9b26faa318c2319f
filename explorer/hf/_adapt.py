"""From a config.json and a model class to a family's keywords: the family that counts the
``model_type`` (its binding says which field sets which size), and the head a class puts on
the base model.

Example:
    >>> design = adapt({"model_type": "gpt2"}, model="GPT2Model")
    >>> design.family, design.sizes["d_model"], design.sizes["head"]
    ('gpt2', 768, 'none')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from explorer.errors import ConfigError, did_you_mean
from explorer.families import FAMILIES, Family, HFBinding
from explorer.hf._data import model_type_of_class, model_types, type_data
from explorer.hf._resolve import resolve

__all__ = [
    "HFDesign",
    "adapt",
    "family_for",
    "has_family",
    "head_of",
    "model_type_of_architectures",
]

#: The end of a class name -> the head it puts on the base model (longest first).
_HEADS = (
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


class HFDesign(NamedTuple):
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


def head_of(model: str, extra: tuple[tuple[str, str], ...] = ()) -> str:
    """The head a model class puts on its base model (``extra``: a binding's own endings,
    tried first).

    Example:
        >>> head_of("LlamaForCausalLM"), head_of("BertModel"), head_of("T5EncoderModel")
        ('lm', 'none', 'encoder')
    """
    for ending, head in (*extra, *_HEADS):
        if model.endswith(ending):
            return head
    return "none"


def family_for(model_type: str) -> Family:
    """The family that counts ``model_type``: one registered at run time whose binding
    names it, else the one recorded for it. A one-line error otherwise.

    Example:
        >>> family_for("mixtral").name
        'mixtral'
    """
    for family in FAMILIES.registered_at_run_time():
        if family.hf is not None and model_type in family.hf.model_types:
            return family
    return FAMILIES[type_data(model_type)["family"]]


def has_family(model_type: object) -> bool:
    """Whether a family counts ``model_type`` (registered at run time, or recorded).

    Example:
        >>> has_family("llama"), has_family("llava_next"), has_family(None)
        (True, False, False)
    """
    if not isinstance(model_type, str):
        return False
    if any(
        f.hf is not None and model_type in f.hf.model_types
        for f in FAMILIES.registered_at_run_time()
    ):
        return True
    return model_type in model_types()


def adapt(
    given: Mapping[str, Any], *, model: str | None = None, source: str = "config"
) -> HFDesign:
    """Read a config.json dict for a model class (default: the config's
    ``architectures``, else its base model)."""
    if not isinstance(given, Mapping):
        raise ConfigError(
            f"{source}: a config is a JSON object of fields, got {type(given).__name__}"
        )
    model_type = given.get("model_type")
    if model_type is None:
        model_type = model_type_of_architectures(given, source)
        given = {**given, "model_type": model_type}
    family = family_for(str(model_type))
    binding = family.hf
    if binding is None:  # pragma: no cover - a recorded type's family always has one
        raise ConfigError(f"{source}: {family.name} reads no config.json")
    own = binding.own_facts()
    entry = type_data(model_type) if own is None else own
    if entry.get("sub_configs") and any("." in str(k) for k in given):
        given = _set_nested(given, entry, source)
    fields, notes = resolve(given, binding, source=source, entry=own)
    classes: dict[str, Any] = entry["model_classes"]
    chosen = model or _default_class(given, entry, source)
    if chosen not in classes:
        guess = did_you_mean(str(chosen)[:60], classes)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise ConfigError(
            f"{source}: {str(chosen)[:60]!r} is not a {model_type} model class{hint} "
            f"(known: {', '.join(sorted(classes))})"
        )
    head = head_of(chosen, binding.heads)
    token_bias = given.get("token_classification_bias")
    if token_bias is False and head == "token" and not binding.token_classification_bias:
        raise ConfigError(f"{source}: token_classification_bias is not read by {chosen}; remove it")
    sizes: dict[str, Any] = {"head": head}
    if head == "token" and token_bias is False:
        sizes["classifier_bias"] = False
    used = _read_fields(binding, fields, given, entry, sizes)
    for part, key in binding.parts:
        notes += _read_part(
            family, part, key, given=given, entry=entry, source=source, sizes=sizes, used=used
        )
    if binding.read is not None:
        binding.read(fields, chosen, sizes)
    return HFDesign(str(model_type), chosen, family.name, sizes, used, fields, tuple(notes))


def _read_fields(
    binding: HFBinding,
    fields: Mapping[str, Any],
    given: Mapping[str, Any],
    entry: Mapping[str, Any],
    sizes: dict[str, Any],
) -> dict[str, str]:
    """The keywords the binding's field map sets, into ``sizes``; keyword -> field."""
    used: dict[str, str] = {}
    file_only = binding.from_file_only
    aliases: dict[str, str] = entry["attribute_map"]
    in_file = {aliases.get(k, k) for k, v in given.items() if v is not None} if file_only else set()
    for keyword, field in binding.fields:
        value = fields.get(field)
        if value is None and keyword in binding.null_means_none:
            sizes[keyword] = False
            used[keyword] = field
            continue
        if value is None or (keyword in file_only and field not in in_file):
            continue
        sizes[keyword] = value
        used[keyword] = field
    return used


def _nested(
    given: Mapping[str, Any], key: str, entry: Mapping[str, Any], source: str
) -> dict[str, Any]:
    """A composite's nested config as transformers reads it: the file's dict (its
    ``model_type``, else the composite's default one, or always the composite's where the
    class fixes it), or, when the file leaves it out, the fields the composite makes it with."""
    spec = entry["sub_configs"][key]
    found = given.get(key)
    if found is None:
        return {**spec["when_missing"], "model_type": spec["model_type"]}
    if not isinstance(found, Mapping):
        raise ConfigError(f"{source}: {key} must be an object of fields, got {str(found)[:40]!r}")
    if spec["fixed"] or not isinstance(found.get("model_type"), str):
        return {**found, "model_type": spec["model_type"]}
    return dict(found)


def _set_nested(given: Mapping[str, Any], entry: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``text_config.num_hidden_layers`` given at the top (``--set``): set in the nested
    config (as the file has it, or as the composite makes it when the file leaves it out)."""
    found = dict(given)
    for name in [k for k in given if isinstance(k, str) and "." in k]:
        key, _, field = name.partition(".")
        if key not in entry["sub_configs"] or not field or "." in field:
            continue
        nested = _nested(found, key, entry, source)
        nested[field] = found.pop(name)
        found[key] = nested
    return found


def _read_part(
    family: Family,
    part: str,
    key: str,
    *,
    given: Mapping[str, Any],
    entry: Mapping[str, Any],
    source: str,
    sizes: dict[str, Any],
    used: dict[str, str],
) -> list[str]:
    """A composite's part: its nested config read by the family that binds its model type
    (one the composite counts the part with), its keywords prefixed by the part."""
    nested = _nested(given, key, entry, source)
    where = f"{source}: {key}"
    model_type = nested["model_type"]
    allowed: tuple[str, ...] = next(p.families for p in family.parts if p.name == part)  # type: ignore[attr-defined]
    part_family = family_for(str(model_type)) if has_family(model_type) else None
    if part_family is None or part_family.name not in allowed:
        raise ConfigError(
            f"{where}: model_type {str(model_type)[:40]!r} is not read as the {part} part of "
            f"{family.name} (known: {', '.join(_types_of(allowed))})"
        )
    binding = part_family.hf
    assert binding is not None  # a recorded type's family has a binding
    part_entry = type_data(model_type)
    fields, notes = resolve(nested, binding, source=where)
    own: dict[str, Any] = {}
    part_used = _read_fields(binding, fields, nested, part_entry, own)
    if binding.read is not None:
        binding.read(fields, part_entry["auto"].get("causal_lm") or _base_class(part_entry), own)
    own.pop("head", None)
    sizes.update({f"{part}_{k}": v for k, v in own.items()})
    sizes[f"{part}_family"] = part_family.name
    used.update({f"{part}_{k}": f"{key}.{v}" for k, v in part_used.items()})
    return [f"{key}: {note}" for note in notes]


def _types_of(families: tuple[str, ...]) -> list[str]:
    """The model types the named families bind."""
    found: list[str] = []
    for name in families:
        binding = FAMILIES[name].hf
        found += list(binding.model_types) if binding is not None else []
    return found


def model_type_of_architectures(given: Mapping[str, Any], source: str) -> str:
    """The model type of a file without one, from the class its ``architectures`` names
    (older files: ``GPT2LMHeadModel`` alone)."""
    architectures = given.get("architectures")
    named = architectures[0] if isinstance(architectures, list) and architectures else None
    found = model_type_of_class(named)
    if found is None:
        for family in FAMILIES.registered_at_run_time():
            if family.hf is not None and named in family.hf.model_classes:
                return family.hf.model_types[0]
        what = f"and its architectures name {str(named)[:60]!r}, " if named else ""
        raise ConfigError(
            f'{source}: no model_type {what}which no family reads; add "model_type": "llama" '
            "(or gpt2, bert ...)"
        )
    return found


def _default_class(given: Mapping[str, Any], entry: Mapping[str, Any], source: str) -> str:
    """The class the file's ``architectures`` names (refused when it is not one of the model
    type's), else the base model."""
    architectures = given.get("architectures")
    if isinstance(architectures, list) and architectures:
        first = architectures[0]
        if first not in entry["model_classes"]:
            raise ConfigError(
                f"{source}: architectures names {str(first)[:60]!r}, not a "
                f"{given['model_type']} model "
                f"class (known: {', '.join(sorted(entry['model_classes']))}); fix it or give "
                "--model CLASS"
            )
        return str(first)
    return _base_class(entry)


def _base_class(entry: Mapping[str, Any]) -> str:
    """The type's base model (the auto mappings'), else its first model class (a vision
    tower no auto mapping names)."""
    return str(entry["auto"].get("base") or sorted(entry["model_classes"])[0])
