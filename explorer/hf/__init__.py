"""Hugging Face configs, counted without torch or transformers.

:func:`count_hf` reads a ``config.json`` (a dict with ``model_type``, or a path) as
``transformers`` 5 reads it (its config class's defaults and aliases, recorded in
``explorer/hfdata``; the derived values and refusals the counting family's binding
declares), picks the model class (given, else the config's ``architectures``, else the
base model) and counts it with the family that binds its ``model_type``.

Example:
    >>> c = count_hf({"model_type": "gpt2"}, model="GPT2LMHeadModel")
    >>> c.total
    124439808
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from explorer.algebra import Count
from explorer.errors import ConfigError
from explorer.families import FAMILIES
from explorer.hf._adapt import (
    HFDesign,
    adapt,
    family_for,
    has_family,
    head_of,
    model_type_of_architectures,
)
from explorer.hf._data import model_types, recorded_version, type_data
from explorer.hf._resolve import apply_config_rules, rule_value

__all__ = [
    "HFDesign",
    "apply_config_rules",
    "count_hf",
    "design_hf",
    "family_for",
    "family_of_config",
    "has_family",
    "head_of",
    "model_types",
    "read_config",
    "recorded_version",
    "rule_value",
    "type_data",
]

_MAX_BYTES = 10_000_000  # a config.json is kilobytes; refuse what cannot be one
#: Designs read lately, by the config's text, the model class and where the config came
#: from (its notes name it): a warm ``count_hf`` of a config it has seen skips reading it
#: again (forgotten when the families change).
_DESIGNS: dict[tuple[str, str | None, str], HFDesign] = {}


def _forget_designs() -> None:
    _DESIGNS.clear()


FAMILIES.watch(_forget_designs)


def read_config(config: Mapping[str, Any] | str | Path) -> tuple[dict[str, Any], str]:
    """The config as a dict, and where it came from (a path, or ``config``)."""
    if isinstance(config, Mapping):
        return dict(config), "config"
    from explorer.files import read_text_bounded

    path = Path(config)
    text = read_text_bounded(path, _MAX_BYTES, "config", error=ConfigError)
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ConfigError(f"{path}: not valid JSON ({str(error)[:80]})") from None
    except ValueError:  # an integer past Python's int-from-text limit (4,300 digits)
        raise ConfigError(
            f"{path}: a number of thousands of digits is no config field; give the model's "
            "config.json"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config.json holds one JSON object of fields")
    return data, str(path)


def family_of_config(config: Mapping[str, Any] | str | Path) -> str:
    """The name of the family that counts a config.json (by its ``model_type``, else its
    ``architectures``), without reading it further.

    Example:
        >>> family_of_config({"model_type": "mixtral"})
        'mixtral'
    """
    data, source = read_config(config)
    model_type = data.get("model_type")
    if model_type is None:
        model_type = model_type_of_architectures(data, source)
    return family_for(str(model_type)).name


def design_hf(
    config: Mapping[str, Any] | str | Path,
    *,
    model: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> HFDesign:
    """The family and keywords that count ``config`` as ``model`` builds it; ``fields``
    override the file's fields (``--set hidden_size=2048``)."""
    data, source = read_config(config)
    data.update(fields or {})
    return adapt(data, model=model, source=source)


def count_hf(
    config: Mapping[str, Any] | str | Path,
    *,
    model: str | None = None,
    convention: str | None = None,
    seq: int | None = None,
    batch: int | None = None,
    decoder_seq: int | None = None,
    compute: Any = None,
    **fields: Any,
) -> Count:
    """The exact count of the model ``transformers`` would build from ``config``.

    Args:
        config: a parsed config.json (a dict with ``model_type``) or a path to one.
        model: a model class name (``LlamaForCausalLM``, ``BertModel`` ...); default: the
            config's ``architectures``, else the base model.
        convention: ``hf`` (default: every parameter) or ``kaplan2020``.
        seq, batch, decoder_seq, compute: one forward pass's size and compute
            convention, as for :func:`explorer.count`: the count then has ``macs`` and
            ``flops`` (what ``FlopCounterMode`` counts for that forward pass with eager
            attention; a mixture of experts' routed experts only).
        **fields: config fields to set or override (``hidden_size=2048``).

    Example:
        >>> c = count_hf({"model_type": "mixtral"}, model="MixtralForCausalLM")
        >>> c.total, c.active
        (46702792704, 12879925248)
        >>> count_hf({"model_type": "gpt2"}, model="GPT2LMHeadModel", seq=1024).flops
        291648307200
    """
    import dataclasses

    from explorer._api import RECENT_LIMIT, count

    data, source = read_config(config)
    if isinstance(data.get("model_type"), str) and not has_family(data["model_type"]):
        # no family counts it: derived from the config itself, where transformers is
        # installed (the route and version said), else refused in one line
        from explorer.derivation import count_unknown_type

        return count_unknown_type(
            data,
            model=model,
            convention=convention,
            seq=seq,
            batch=batch,
            fields=fields,
            families=model_types(),
        )
    data.update(fields)
    key = (repr(data), model, source)
    design = _DESIGNS.get(key)
    if design is None:
        design = adapt(dict(data), model=model, source=source)
        if len(_DESIGNS) >= RECENT_LIMIT:
            _DESIGNS.clear()
        _DESIGNS[key] = design
    counted = count(
        design.family,
        convention=convention,
        seq=seq,
        batch=batch,
        decoder_seq=decoder_seq,
        compute=compute,
        **design.sizes,
    )
    if not design.notes:
        return counted
    return dataclasses.replace(counted, notes=(*counted.notes, *design.notes))
