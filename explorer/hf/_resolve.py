"""A config.json read as ``transformers`` 5 reads it: the config class's defaults for what
is missing, its aliases, the values it derives, and the checks that make it refuse one.

Example:
    >>> from explorer.families import FAMILIES
    >>> fields, notes = resolve({"model_type": "llama", "hidden_size": 64,
    ...                          "num_attention_heads": 4}, FAMILIES["llama"].hf)
    >>> fields["head_dim"], fields["num_key_value_heads"], fields["intermediate_size"]
    (16, 4, 11008)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from explorer.errors import ConfigError
from explorer.hf._data import (
    activations,
    common,
    fields_of,
    kinds_of,
    plain_types,
    rope_types,
    type_data,
)

if TYPE_CHECKING:
    from explorer.families import HFBinding

__all__ = [
    "HARMLESS",
    "READ_ELSEWHERE",
    "REFUSED",
    "apply_config_rules",
    "field_name",
    "resolve",
    "rule_value",
]

#: Keys that config.json files carry and that change no count.
HARMLESS = frozenset(
    (
        "model_type",
        "architectures",
        "transformers_version",
        "_name_or_path",
        "torch_dtype",
        "dtype",
        "n_ctx",
        "position_embedding_type",
        "rotary_pct",
        "rotary_emb_base",
        "partial_rotary_factor",
        "rope_local_base_freq",
        "cache_implementation",
        "rope_theta",
        "rope_scaling",
        "layer_types",
        "use_cache",
        "gradient_checkpointing",
        "task_specific_params",
        "auto_map",
        "finetuning_task",
        "is_decoder",
        "attention_bias",
        "mlp_bias",
        "max_window_layers",
        "use_sliding_window",
        "sliding_window",
        "initializer_factor",
        "output_past",
        "classifier_dropout",
        "quantization_config",
    )
)
#: Keys a model reads without a config field (``getattr``): the adapter reads them.
READ_ELSEWHERE = frozenset(("head_dim", "token_classification_bias", "tie_word_embeddings"))
#: Keys that build a model the explorer cannot count exactly: refused, with the reason.
REFUSED = {
    "embedding_size": "lets a hidden size the heads do not divide through, building "
    "attention matrices that do not fit the layer (the model would fail when run)",
    "per_layer_config": "sets sizes per layer, which these configs cannot express "
    "(transformers refuses to build it)",
}


def resolve(
    given: Mapping[str, Any],
    binding: HFBinding,
    *,
    source: str = "config",
    entry: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The fields of ``given`` (a config.json dict with its ``model_type``) after defaults,
    aliases and the binding's derived values, checked by the binding's checks; and notes
    on what was read otherwise than the file says (unknown keys, forced values).
    ``entry``: the config class's facts when they are not the recorded ones (a binding's
    own, for a model type transformers does not have)."""
    model_type = given["model_type"]
    if entry is None:
        entry = type_data(model_type)
        defaults, nullable = fields_of(model_type)  # read once per model type
        plain = plain_types(model_type)
        kinds = kinds_of(model_type)
    else:
        defaults = {**common(), **entry["defaults"]}
        nullable = frozenset(k for k, v in defaults.items() if v is None)
        plain = {k: type(v) for k, v in defaults.items() if type(v) in (bool, int, float, str)}
        kinds = {}
    aliases: dict[str, str] = entry["attribute_map"]
    sizes = {field for _, field in binding.fields}
    fields = dict(defaults)
    notes: list[str] = []
    for key, value in given.items():
        name = field_name(key, aliases, defaults)
        if name in REFUSED:
            raise ConfigError(f"{source}: {name} {REFUSED[name]}; remove it to count")
        known = name in defaults or name in HARMLESS or name in READ_ELSEWHERE or name in sizes
        if not known:  # a field the binding maps is read, even where the class has none
            notes.append(f"unknown field {str(name)[:40]!r} is not read (it may change the count)")
        kind = type(value)  # the common case at a glance; anything else checked in full
        if kind is not plain.get(name) or (kind is int and value < 0):
            if name in kinds:
                _check_kinds(name, value, kinds[name], source, size=name in sizes)
            else:
                _check_type(name, value, defaults, nullable, source)
        if key in _ROPE_FIELDS and value is not None:
            _check_rope(key, value, source)
        if name in _ACTIVATION_FIELDS and isinstance(value, str) and value not in activations():
            raise ConfigError(
                f"{source}: {name} {value[:40]!r} is no activation transformers knows; "
                "give one such as gelu, silu or relu"
            )
        fields[name] = value
    if isinstance(given.get("id2label"), Mapping):
        fields["num_labels"] = len(given["id2label"])
    for rule in apply_config_rules(binding.derived, fields, given):
        name = rule["field"]
        notes.append(
            f"{name}: the file says {given[name]!r}, but transformers makes it "
            f"{fields[name]!r} ({rule['note']})"
        )
    for rule in binding.checks:
        _validate(rule, fields, given, source)
    if fields.get("problem_type") == "single_label_classification" and fields["num_labels"] < 2:
        raise ConfigError(f"{source}: single_label_classification needs num_labels > 1")
    return fields, notes


def field_name(key: str, aliases: Mapping[str, str], fields: Mapping[str, Any]) -> str:
    """The config field a config.json key sets: the field its alias names; where an alias
    names no field of the class (Qwen3MoeConfig maps its field ``num_experts`` to
    ``num_local_experts``, DeepseekV3Config its ``num_mtp_layers`` to
    ``num_nextn_predict_layers``), the field on the other side of the alias.

    Example:
        >>> field_name("num_nextn_predict_layers",
        ...            {"num_mtp_layers": "num_nextn_predict_layers"}, {"num_mtp_layers": 1})
        'num_mtp_layers'
    """
    name = aliases.get(key, key)
    if name in fields:
        return name
    if key in fields:
        return key
    for source, target in aliases.items():
        if target == name and source in fields:
            return source
    return name


def apply_config_rules(
    rules: Sequence[Mapping[str, Any]], fields: dict[str, Any], given: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    """Apply the recorded config-stage rules to ``fields`` in place, as the config class
    does (a value copied, derived or forced); return the forced ones that changed a value
    ``given`` had.

    Example:
        >>> rule = {"stage": "config", "when": "null", "field": "head_dim",
        ...         "value": {"op": "floordiv", "args": ["hidden_size", "heads"]}}
        >>> fields = {"hidden_size": 64, "heads": 4, "head_dim": None}
        >>> apply_config_rules([rule], fields, {}), fields["head_dim"]
        ([], 16)
    """
    forced = []
    for rule in rules:
        if rule["stage"] != "config":
            continue
        when, name = rule["when"], rule["field"]
        if (
            when == "always"
            or (when == "null" and fields.get(name) is None)
            or (isinstance(when, dict) and _holds(when, fields, given))
        ):
            fields[name] = rule_value(rule["value"], fields, given)
            if when == "always" and name in given and given[name] != fields[name]:
                forced.append(rule)
    return forced


def _holds(when: Mapping[str, Any], fields: Mapping[str, Any], given: Mapping[str, Any]) -> bool:
    """A rule's condition: ``equals`` [field, value] after defaults; ``given``: the file
    gives that field; ``missing`` [fields]: the file gives none of them."""
    if "equals" in when:
        return bool(fields.get(when["equals"][0]) == when["equals"][1])
    if "given" in when:
        return when["given"] in given
    return not any(name in given for name in when["missing"])


#: Fields naming an activation that transformers looks up when it builds the model.
_ACTIVATION_FIELDS = frozenset(("hidden_act", "activation_function", "hidden_activation"))

_KIND_WORDS = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "str": "text",
    "list[int]": "a list of integers",
    "list[str]": "a list of texts",
    "list": "a list",
    "dict": "an object",
    "null": "null",
}


def _matches(value: Any, kind: str) -> bool:
    """Whether a JSON value is of a declared kind (``any``: not checked)."""
    if kind == "any":
        return True
    if kind == "null":
        return value is None
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind.startswith("list"):
        if not isinstance(value, list):
            return False
        item = kind[5:-1]
        return not item or all(_matches(x, item) for x in value)
    if kind == "dict":
        return isinstance(value, dict)
    if kind.startswith("literal:"):
        return isinstance(value, str) and value == kind[8:]
    return True  # a kind this version does not know: not refused


#: The fields of rotary positions' parameters (``rope_scaling``: their name before
#: transformers 5).
_ROPE_FIELDS = frozenset(("rope_scaling", "rope_parameters"))


def _check_rope(name: str, value: Any, source: str) -> None:
    """Refuse rotary parameters transformers refuses: not a dict, a ``rope_type`` it does
    not know (the model would not build), a key its type needs left out. They change no
    parameter count, only whether the model exists."""
    if not isinstance(value, Mapping):
        raise ConfigError(
            f'{source}: {name} must be a dict such as {{"rope_type": "linear", "factor": 2.0}} '
            f"or null, got {str(value)[:40]!r}"
        )
    known = rope_types()
    rope_type = value.get("rope_type", value.get("type", "default"))
    if rope_type not in known:
        raise ConfigError(
            f"{source}: {name} rope_type {str(rope_type)[:40]!r} is not one transformers knows "
            f"({', '.join(known)})"
        )
    missing = [key for key in known[rope_type] if key not in value]
    if missing:
        raise ConfigError(
            f"{source}: {name} of rope_type {rope_type!r} needs {', '.join(missing)}; add it"
        )


def _check_kinds(name: str, value: Any, kinds: list[str], source: str, *, size: bool) -> None:
    """Refuse what the config class refuses: a value of none of its declared kinds; a
    negative number for a size (a token id may be -1)."""
    if value is None and "null" not in kinds:
        raise ConfigError(f"{source}: {name} must not be null")
    if not any(_matches(value, kind) for kind in kinds):
        literals = [k[8:] for k in kinds if k.startswith("literal:")]
        words = [_KIND_WORDS.get(k, k) for k in kinds if not k.startswith("literal:")]
        words += [f"one of {', '.join(literals)}"] if literals else []
        raise ConfigError(f"{source}: {name} must be {' or '.join(words)}, got {str(value)[:40]!r}")
    if size and isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{source}: {name} must not be negative, got {value}")


def _check_type(
    name: str, value: Any, defaults: Mapping[str, Any], nullable: frozenset[str], source: str
) -> None:
    if name not in defaults:
        return
    if value is None:
        if name not in nullable and defaults[name] is not None:
            raise ConfigError(f"{source}: {name} must not be null")
        return
    default = defaults[name]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
        what = "true or false"
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        what = "an integer"
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        what = "a number"
    elif isinstance(default, str):
        ok = isinstance(value, str)
        what = "text"
    else:
        return
    if not ok:
        raise ConfigError(f"{source}: {name} must be {what}, got {str(value)[:40]!r}")
    if what == "an integer" and value < 0:
        raise ConfigError(f"{source}: {name} must not be negative, got {value}")


def rule_value(
    value: Mapping[str, Any], fields: Mapping[str, Any], given: Mapping[str, Any]
) -> Any:
    """One recorded rule value (``{"op", "args"}``) over the resolved ``fields`` and the
    ``given`` dict.

    Raises:
        ConfigError: an operation this version does not know.
    """

    def arg(item: Any) -> Any:
        return fields[item] if isinstance(item, str) and item in fields else item

    op, args = value["op"], value["args"]
    if op == "copy":
        return fields[args[0]]
    if op == "floordiv":
        numerator, denominator = arg(args[0]), arg(args[1])
        return numerator // denominator if denominator else None
    if op == "mul":
        return arg(args[0]) * arg(args[1])
    if op == "const":
        return args[0]
    if op == "given_not_false":
        return given.get(args[0]) is not False
    if op == "last_part":
        return str(fields[args[0]]).split(args[1])[-1]
    if op == "first_part_is":
        return str(fields[args[0]]).split(args[1])[0] == args[2]
    raise ConfigError(f"the recorded rule {op!r} is unknown: reinstall the package")


def _validate(
    rule: Mapping[str, Any], fields: Mapping[str, Any], given: Mapping[str, Any], source: str
) -> None:
    kind, args = rule["rule"], rule["args"]
    if kind == "divisible":
        if any(name in given for name in rule.get("unless_present") or ()):
            return
        a, b = fields.get(args[0]), fields.get(args[1])
        if isinstance(a, int) and isinstance(b, int) and b and a % b:
            raise ConfigError(
                f"{source}: {args[0]} ({a}) must be divisible by {args[1]} ({b}); "
                "transformers refuses this config"
            )
        if b == 0:
            raise ConfigError(f"{source}: {args[1]} must be positive")
    elif kind == "even_rotary_head_dim":
        head_dim = fields.get(args[0])
        partial = fields.get("partial_rotary_factor", 1.0)
        if (
            isinstance(head_dim, int)
            and head_dim > 4
            and head_dim % 2
            and partial in (None, 1, 1.0)
        ):
            raise ConfigError(
                f"{source}: {args[0]} ({head_dim}) must be even for rotary embeddings"
            )
    elif kind == "act_format":
        text = str(fields.get(args[0]))
        parts = text.split("-")
        if len(parts) > 2 or (len(parts) == 2 and parts[0] != "gated"):
            raise ConfigError(
                f"{source}: {args[0]} must look like 'relu' or 'gated-gelu', got {text[:40]!r}"
            )
    elif kind == "requires" and fields.get(args[0]) and not fields.get(args[1]):
        raise ConfigError(f"{source}: {args[0]} needs {args[1]} to be true")
