"""Record what a torch-free reader of ``config.json`` needs from ``transformers``' config
classes, for every model type a registered family binds, into ``explorer/hfdata``.

Run ``python -m explorer.hf.record`` where transformers and torch are installed (the
``truth`` extra) to (re)write the files; ``--check`` compares instead of writing and exits 1
when a file differs. The files are plain data; the same versions give the same bytes.
``index.json`` holds the versions, ``families`` (the registered family that counts each
model type, from its binding's ``model_types``), ``classes`` (each of their model classes to
its model type: a file without ``model_type`` is read by its ``architectures``),
``common_defaults`` (the fields every config
shares, with ``num_labels``: not a field, it follows ``id2label``, 2 when neither is given)
and ``transformers_model_types`` (every model type transformers knows, so that a type with
no family is told apart from a misspelt one). ``types/MODEL_TYPE.json`` holds, per model
type:

- ``config_class`` and ``defaults``: the class's own ``__init__`` fields with their raw
  defaults (``null`` still means "follows another field");
- ``nullable``: the fields whose declared type admits null; ``types``: each field's declared
  type as a list of kinds (``int``, ``float``, ``bool``, ``str``, ``list[int]``,
  ``list[str]``, ``dict``, ``null``, ``literal:VALUE`` ...; ``any`` for what is not checked):
  the config classes check types strictly, so a value of another kind (4096.0 for an int, a
  list for a dict) is refused, and a list of token ids is not;
- ``attribute_map``: the aliases the class accepts (GPT-2's ``hidden_size`` -> ``n_embd``);
- ``model_classes``: every public model class of the type (those built from its config
  class: a text config's, not the composite model's), each with its
  ``base_model_prefix`` and ``tied_weights`` (``{parameter: parameter it shares}``, wrapped
  models included, as a build with ``tie_word_embeddings`` true ties them); ``auto``: the
  class the auto mappings pick per task (``base``, ``causal_lm``, ``masked_lm``, ...);
- ``sub_configs`` (composite configs only: LLaVA's ``text_config``, ``vision_config``): per
  nested config, the ``model_type`` a dict without one takes (``fixed``: the class takes it
  whatever the dict says) and the fields it is made with when the file leaves it out
  (``when_missing``).

The families' own rules (:class:`explorer.families.HFBinding`: derived fields, checks) are
checked here against the real classes on the binding's probe configurations before the file
is written, so a transformers release that changes them fails the recorder instead of
shipping wrong data.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from explorer.families import FAMILIES, HFBinding
from explorer.hf._resolve import apply_config_rules, field_name

__all__ = ["OUTPUT", "bindings", "extract", "main"]

OUTPUT = Path(__file__).resolve().parents[1] / "hfdata"

# Auto-mapping tables (transformers.models.auto.modeling_auto) and the role each one names.
_AUTO = {
    "base": "MODEL_MAPPING_NAMES",
    "causal_lm": "MODEL_FOR_CAUSAL_LM_MAPPING_NAMES",
    "masked_lm": "MODEL_FOR_MASKED_LM_MAPPING_NAMES",
    "seq2seq_lm": "MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES",
    "pretraining": "MODEL_FOR_PRETRAINING_MAPPING_NAMES",
    "text_encoding": "MODEL_FOR_TEXT_ENCODING_MAPPING_NAMES",
    "sequence_classification": "MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
    "token_classification": "MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING_NAMES",
    "question_answering": "MODEL_FOR_QUESTION_ANSWERING_MAPPING_NAMES",
    "multiple_choice": "MODEL_FOR_MULTIPLE_CHOICE_MAPPING_NAMES",
    "next_sentence_prediction": "MODEL_FOR_NEXT_SENTENCE_PREDICTION_MAPPING_NAMES",
}

# -- extraction ---------------------------------------------------------------------------------


def _kinds(declared: Any) -> list[str]:
    """A declared field type as the kinds of value it admits (see the module's docstring)."""
    import types
    import typing

    origin = typing.get_origin(declared)
    if origin in (typing.Union, types.UnionType):
        found: list[str] = []
        for member in typing.get_args(declared):
            found += [k for k in _kinds(member) if k not in found]
        return found
    if origin is typing.Literal:
        return [f"literal:{value}" for value in typing.get_args(declared)]
    if declared is type(None):
        return ["null"]
    if origin is list:
        (item,) = typing.get_args(declared) or (Any,)
        return [f"list[{_kinds(item)[0]}]"] if item in (int, str) else ["list"]
    if origin is dict or declared is dict:
        return ["dict"]
    for kind, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str")):
        if declared is kind:
            return [name]
    return ["any"]  # torch dtypes, nested configs, RoPE parameters: not checked here


def _hints(config_class: Any) -> dict[str, Any]:
    """A config class's declared field types, resolved (the base class's annotations are
    text under postponed evaluation, and name torch only for type checkers)."""
    import typing

    import torch

    return typing.get_type_hints(config_class, localns={"torch": torch})


def _plain(value: Any) -> Any:
    json.dumps(value)  # refuse anything that is not plain data
    return value


def _defaults(config_class: Any, common: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in dataclasses.fields(config_class):
        if field.name in common or not field.init:
            continue
        if field.default is not dataclasses.MISSING:
            out[field.name] = _plain(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            out[field.name] = _plain(field.default_factory())
        else:
            raise SystemExit(f"error: {config_class.__name__}.{field.name} has no default")
    return out


def _classes(model_type: str) -> dict[str, Any]:
    import torch
    import transformers

    config = transformers.CONFIG_MAPPING[model_type](
        **_tiny(model_type, {"tie_word_embeddings": True})
    )
    from transformers.models.auto.configuration_auto import model_type_to_module_name

    name = model_type_to_module_name(model_type)
    module = importlib.import_module(f"transformers.models.{name}.modeling_{name}")
    out: dict[str, Any] = {}
    for name in sorted(module.__all__):
        cls = getattr(module, name)
        if (
            not isinstance(cls, type)
            or not issubclass(cls, transformers.PreTrainedModel)
            or name.endswith("PreTrainedModel")
            or not isinstance(config, getattr(cls, "config_class", object))  # Gemma3Model: gemma3
        ):
            continue
        with torch.device("meta"):
            model: Any = cls(config)
        if next(model.parameters(), None) is None:
            continue  # an abstract base under another spelling (BART's PretrainedBartModel)
        tied = model.get_expanded_tied_weights_keys(all_submodels=True)
        out[name] = {
            "base_model_prefix": model.base_model_prefix,
            "tied_weights": dict(sorted(tied.items())),
        }
    return out


def bindings() -> dict[str, tuple[str, HFBinding]]:
    """Every model type a registered family binds, to the family's name and binding (the
    registry's order; each type once)."""
    found: dict[str, tuple[str, HFBinding]] = {}
    for name in FAMILIES:
        binding = FAMILIES[name].hf
        if binding is None:
            continue
        for model_type in binding.model_types:
            if model_type in found:
                raise SystemExit(
                    f"error: {model_type} is bound by {found[model_type][0]} and {name}"
                )
            found[model_type] = (name, binding)
    return found


def extract() -> dict[str, Any]:
    """Every data file by its path under ``explorer/hfdata``, as JSON-ready objects (the
    bindings checked against the real classes first)."""
    import transformers
    from transformers.models.auto import modeling_auto

    transformers.logging.set_verbosity_error()  # tiny builds: token ids out of their vocabulary
    common_fields = {f.name for f in dataclasses.fields(transformers.PreTrainedConfig)}
    common = {
        f.name: _plain(f.default)
        for f in dataclasses.fields(transformers.PreTrainedConfig)
        if f.init and f.default is not dataclasses.MISSING
    }
    common["num_labels"] = 2
    types: dict[str, Any] = {}
    families: dict[str, str] = {}
    for model_type, (family, binding) in bindings().items():
        config_class = transformers.CONFIG_MAPPING[model_type]
        classes = _classes(model_type)
        auto = {}
        for role, table in _AUTO.items():
            chosen = getattr(modeling_auto, table).get(model_type)
            if chosen in classes:
                auto[role] = chosen
        families[model_type] = family
        entry = {
            "config_class": config_class.__name__,
            "defaults": _defaults(config_class, common_fields),
            "nullable": sorted(
                f.name
                for f in dataclasses.fields(config_class)
                if f.name not in common_fields and "None" in str(f.type)
            ),
            "types": {
                name: _kinds(declared)
                for name, declared in _hints(config_class).items()
                if name not in common_fields
                and name in {f.name for f in dataclasses.fields(config_class)}
            },
            "attribute_map": dict(sorted(config_class.attribute_map.items())),
            "model_classes": classes,
            "auto": auto,
        }
        subs = _sub_configs(config_class)
        if subs:
            entry["sub_configs"] = subs
        _check(model_type, entry, binding)
        types[model_type] = entry
    index = {
        "transformers_version": str(transformers.__version__),
        "families": families,
        "classes": {
            name: model_type
            for model_type, entry in types.items()
            for name in entry["model_classes"]
        },
        "common_defaults": common,
        "common_types": {
            name: _kinds(declared)
            for name, declared in _hints(transformers.PreTrainedConfig).items()
            if name in common_fields
        },
        "activations": sorted(transformers.activations.ACT2FN),
        "rope_types": _rope_types(),
        "transformers_model_types": sorted(transformers.CONFIG_MAPPING.keys()),
    }
    return {"index.json": index, **{f"types/{t}.json": e for t, e in types.items()}}


def _rope_types() -> dict[str, list[str]]:
    """Each ``rope_type`` transformers knows, with the keys its ``rope_parameters`` must
    have (as the config class's own validation names them when they are missing)."""
    import ast

    import transformers
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

    found: dict[str, list[str]] = {}
    for rope_type in ("default", *ROPE_INIT_FUNCTIONS):
        required: set[str] = set()
        try:
            transformers.LlamaConfig(rope_parameters={"rope_type": rope_type})
        except KeyError as error:  # "Missing required keys in ...: {'factor'}"
            listed = re.search(r"\{[^}]*\}", str(error))
            if listed is None:
                raise
            required = set(ast.literal_eval(listed.group(0)))
        found[rope_type] = sorted(required)
    return found


def _sub_configs(config_class: Any) -> dict[str, Any]:
    """A composite config's nested configs (``text_config``, ``vision_config``): for each,
    the model type a dict without ``model_type`` takes (or that the class always takes:
    ``fixed``), and the fields it is made with when the file leaves it out."""
    import transformers

    found: dict[str, Any] = {}
    for key, spec in sorted(getattr(config_class, "sub_configs_defaults", {}).items()):
        fixed = issubclass(spec.config_class, transformers.PreTrainedConfig)
        found[key] = {
            "model_type": spec.config_class.model_type if fixed else spec.model_type,
            "fixed": fixed,
            "when_missing": _plain(dict(sorted(spec.init_kwargs.items()))),
        }
    return found


# -- checks of the families' rules against the real classes -----------------------------------

# Derived in __init__ but left out of the rules: no parameter count reads them, or a
# binding reads them itself (the layer pattern).
_NOT_MODELLED = {
    "rope_parameters",
    "layer_types",
    "full_attn_idxs",
    "moe_layers",
    "no_rope_layers",
}

_TINY = {"vocab_size": 11, "num_hidden_layers": 1, "n_layer": 1, "num_layers": 1}


def _tiny(model_type: str, given: dict[str, Any]) -> dict[str, Any]:
    import transformers

    fields = {f.name: f for f in dataclasses.fields(transformers.CONFIG_MAPPING[model_type])}
    tiny: dict[str, Any] = {k: v for k, v in _TINY.items() if k in fields}
    pad = fields.get("pad_token_id")
    if pad is not None and isinstance(pad.default, int) and pad.default >= _TINY["vocab_size"]:
        tiny["pad_token_id"] = None  # a default padding row past the tiny vocabulary (Phi-3)
    return {**tiny, **given}


def _build(model_type: str, given: dict[str, Any], stage: str) -> None:
    import torch
    import transformers

    config = transformers.CONFIG_MAPPING[model_type](**given)
    if stage == "model":
        with torch.device("meta"):
            transformers.AutoModel.from_config(config)


def _resolved(entry: dict[str, Any], binding: HFBinding, given: dict[str, Any]) -> dict[str, Any]:
    """The config-stage view of ``given`` (a config.json dict) under one type's data."""
    aliases = entry["attribute_map"]
    fields = dict(entry["defaults"])
    for key, value in given.items():
        fields[field_name(key, aliases, entry["defaults"])] = value
    apply_config_rules(binding.derived, fields, given)
    return fields


def _check(model_type: str, entry: dict[str, Any], binding: HFBinding) -> None:
    import transformers

    for given in binding.probes:
        config = transformers.CONFIG_MAPPING[model_type](**given)
        for name, expected in _resolved(entry, binding, given).items():
            if name in _NOT_MODELLED or name in entry.get("sub_configs", {}):
                continue
            if not hasattr(config, name):
                continue  # an argument the class reads and keeps under another name
            got = getattr(config, name)
            if got != expected and not isinstance(expected, (dict, list)):
                raise SystemExit(f"error: {model_type} {given}: {name} is {got!r}, the "
                                 f"binding says {expected!r}")  # fmt: skip
    for given, stage in binding.refused:
        try:
            _build(model_type, _tiny(model_type, given), stage)
        except Exception:  # strict validation raises error classes of its own
            continue
        raise SystemExit(f"error: {model_type} {given} was accepted; the binding says refused")
    for given in binding.accepted:
        _build(model_type, _tiny(model_type, given), "model")


def main(argv: list[str] | None = None) -> int:
    """Write the data files into the package (or, with ``--check``, compare)."""
    parser = argparse.ArgumentParser(prog="python -m explorer.hf.record", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    texts = {name: json.dumps(data, indent=1) + "\n" for name, data in extract().items()}
    recorded = {p.relative_to(OUTPUT).as_posix() for p in (OUTPUT / "types").glob("*.json")}
    stale = recorded - set(texts)
    if args.check:
        differ = [
            name
            for name, text in texts.items()
            if not (OUTPUT / name).is_file() or (OUTPUT / name).read_text("utf-8") != text
        ]
        for name in [*differ, *sorted(stale)]:
            print(f"{OUTPUT / name}: differs from what transformers and the bindings give")
        return 1 if differ or stale else 0
    from explorer.files import write_atomically

    (OUTPUT / "types").mkdir(exist_ok=True)
    for name, text in texts.items():
        write_atomically(OUTPUT / name, text)
    for name in stale:
        (OUTPUT / name).unlink()
    print(f"wrote {len(texts) - 1} model types to {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
