"""The config classes' defaults, aliases and model classes, and the family that counts
each model type, as recorded from ``transformers`` (``explorer/hfdata``: ``index.json`` and
one file per model type in ``types/``, made by ``python -m explorer.hf.record``): read
without importing torch or transformers, one model type's file at a time.

Example:
    >>> type_data("llama")["config_class"], recorded_version().split(".")[0]
    ('LlamaConfig', '5')
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from explorer.errors import ConfigError, did_you_mean

__all__ = [
    "activations",
    "common",
    "fields_of",
    "kinds_of",
    "model_type_of_class",
    "model_types",
    "recorded_version",
    "type_data",
]


#: The recorded data, a folder of the installed package (read as plain files: a regular
#: install, as pyproject's package data puts it).
_FOLDER = Path(__file__).parents[1] / "hfdata"


@functools.cache
def _data() -> dict[str, Any]:
    """The index: versions, every transformers model type, the common defaults, and the
    family of each model type the explorer knows."""
    text = (_FOLDER / "index.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def _type_file(model_type: str) -> dict[str, Any]:
    text = (_FOLDER / "types" / f"{model_type}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    data["family"] = _data()["families"][model_type]
    return data


def model_types() -> tuple[str, ...]:
    """The ``model_type`` values the explorer knows."""
    return tuple(_data()["families"])


def type_data(model_type: object) -> dict[str, Any]:
    """One model type's record; a one-line error naming the known ones otherwise. A type
    transformers knows but no family counts gets no "did you mean": another architecture
    with a similar name would count another model.

    Example:
        >>> type_data("llama")["family"]
        'llama'
    """
    types: dict[str, str] = _data()["families"]
    if isinstance(model_type, str) and model_type in types:
        return _type_file(model_type)
    shown = str(model_type)[:40]
    known = f"{len(types)} model types, such as {', '.join(list(types)[:3])}"
    if model_type in _data()["transformers_model_types"]:
        raise ConfigError(
            f"model_type {shown!r} has no family here ({known} have one): `explorer count "
            "--hf-config` counts it from the config itself where transformers is installed; "
            "to solve or search, derive a family with `explorer derive` and give its file "
            "as --arch"
        )
    guess = did_you_mean(shown, types)
    hint = f"; did you mean '{guess}'?" if guess else ""
    raise ConfigError(
        f"model_type {shown!r} is not a transformers model type{hint} (known: {known})"
    )


def model_type_of_class(name: object) -> str | None:
    """The model type of a recorded model class (``GPT2LMHeadModel`` -> ``gpt2``)."""
    classes: dict[str, str] = _data()["classes"]
    return classes.get(name) if isinstance(name, str) else None


def activations() -> frozenset[str]:
    """The activation names transformers knows (``ACT2FN``)."""
    return frozenset(_data()["activations"])


def rope_types() -> dict[str, list[str]]:
    """Each ``rope_type`` transformers knows, with the keys its parameters must have.

    Example:
        >>> rope_types()["linear"]
        ['factor']
    """
    types: dict[str, list[str]] = _data()["rope_types"]
    return types


@functools.cache
def kinds_of(model_type: str) -> dict[str, list[str]]:
    """Each field's declared kinds of value (the common fields' and the type's own).

    Example:
        >>> kinds_of("llama")["eos_token_id"]
        ['int', 'list[int]', 'null']
    """
    return {**_data()["common_types"], **type_data(model_type)["types"]}


def common() -> dict[str, Any]:
    """Fields every config class has (``num_labels``, ``id2label`` ...)."""
    return dict(_data()["common_defaults"])


@functools.cache
def _fields(model_type: str) -> tuple[dict[str, Any], frozenset[str]]:
    common_defaults: dict[str, Any] = _data()["common_defaults"]
    entry = type_data(model_type)
    nullable = {k for k, v in common_defaults.items() if v is None}
    return {**common_defaults, **entry["defaults"]}, frozenset(entry["nullable"]) | nullable


@functools.cache
def plain_types(model_type: str) -> dict[str, type]:
    """The fields whose values a quick look accepts: a field to the one type its default
    has (``bool``, ``int``, ``float``, ``str``); anything else takes the full check.

    Example:
        >>> plain_types("llama")["hidden_size"], plain_types("llama")["tie_word_embeddings"]
        (<class 'int'>, <class 'bool'>)
    """
    defaults, _ = _fields(model_type)
    return {k: type(v) for k, v in defaults.items() if type(v) in (bool, int, float, str)}


def fields_of(model_type: str) -> tuple[dict[str, Any], frozenset[str]]:
    """A known model type's fields with their defaults (the common ones included; a fresh
    dict, for the caller to fill in), and the fields that may be null.

    Example:
        >>> defaults, nullable = fields_of("mixtral")
        >>> defaults["num_local_experts"], "head_dim" in nullable
        (8, True)
    """
    defaults, nullable = _fields(model_type)
    return dict(defaults), nullable


def recorded_version() -> str:
    """The ``transformers`` version the data was recorded from."""
    return str(_data()["transformers_version"])
