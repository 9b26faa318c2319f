"""A family's Hugging Face binding: which ``model_type`` values it counts, which config
field sets which keyword, what the config class derives and what transformers refuses.

The binding is data the family declares; :mod:`explorer.hf` reads a ``config.json`` with
it (no torch, no transformers), and the recorder (``python -m explorer.hf.record``, where
transformers is installed) checks its rules against the real config classes before it
writes the facts it reads from them (defaults, aliases, model classes).

Rules are plain data (no code runs from a config):

- a **derived field** (:func:`derived`): ``field`` takes ``value`` ``when`` the condition
  holds, at ``stage`` ``config`` (the config class's ``__init__``; applied when a file is
  read) or ``model`` (what the modelling code does with a null or missing field; a note for
  readers, the family's own rules count it). Conditions: ``always`` (overriding the file),
  ``null`` (null after defaults), ``{"equals": [field, value]}``, ``{"given": field}``
  (the file gives it: an ``__init__`` argument that is no field, Bloom's ``n_embed``),
  ``{"missing": [fields]}`` (the file gives none of them: BART's three labels unless
  ``num_labels`` or ``id2label`` says otherwise). Values (``{"op", "args"}``): ``copy`` a field,
  ``floordiv`` and ``mul`` of fields or integers, ``const``, ``given_not_false`` (true
  unless the file gave the field as false), ``last_part`` (the last piece of a field split
  on a separator), ``first_part_is`` (whether its first piece equals a text).
- a **check** (:func:`check`): ``divisible`` (``args[0] % args[1] == 0`` unless a field
  of ``unless_present`` is in the file), ``even_rotary_head_dim`` (an odd head_dim above 4
  is refused when fully rotated), ``act_format`` (``ACT`` or ``gated-ACT``), ``requires``
  (``args[0]`` true needs ``args[1]`` true); stage ``config`` or ``model`` (refused by the
  config class or by the model's constructor).

Example:
    >>> b = HFBinding(("llama",), fields=(("d_model", "hidden_size"),),
    ...               derived=(derived("head_dim", "null", "floordiv", "hidden_size",
    ...                                "num_attention_heads", note="d_model // heads"),))
    >>> b.field_of("d_model"), b.derived[0]["value"]
    ('hidden_size', {'op': 'floordiv', 'args': ['hidden_size', 'num_attention_heads']})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

__all__ = ["HFBinding", "Reader", "check", "derived", "head_dim_attribute"]


def derived(
    name: str,
    when: str | dict[str, Any],
    op: str,
    *args: Any,
    note: str,
    stage: str = "config",
) -> dict[str, Any]:
    """A derived-field rule (see the module's docstring)."""
    return {
        "field": name,
        "stage": stage,
        "when": when,
        "value": {"op": op, "args": list(args)},
        "note": note,
    }


def head_dim_attribute(config_class: str) -> dict[str, Any]:
    """The rule of a config class with no ``head_dim`` field whose attention reads
    ``getattr(config, 'head_dim', hidden_size // num_attention_heads)``: a ``head_dim`` key
    in config.json becomes an attribute and changes the count (Qwen2, Phi-3, OLMo ...).

    Example:
        >>> head_dim_attribute("Qwen2Config")["value"]["op"]
        'floordiv'
    """
    return derived(
        "head_dim",
        "missing",
        "floordiv",
        "hidden_size",
        "num_attention_heads",
        stage="model",
        note=f"{config_class} has no head_dim field, but the attention reads "
        "getattr(config, 'head_dim', hidden_size // num_attention_heads): a head_dim key "
        "in config.json becomes an attribute and changes the count",
    )


def check(
    rule: str, *args: str, stage: str = "config", unless_present: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A check transformers makes (see the module's docstring)."""
    found: dict[str, Any] = {"rule": rule, "args": list(args), "stage": stage}
    if rule == "divisible":
        found["unless_present"] = list(unless_present)
    return found


#: How a binding reads more than its field map: given the resolved config fields, the
#: model class and the keywords read so far, change the keywords in place (GPT-2's
#: double-heads summary layer follows two fields).
Reader = Callable[[Mapping[str, Any], str, dict[str, Any]], None]


class HFBinding(NamedTuple):
    """How a family reads a Hugging Face ``config.json``.

    Attributes:
        model_types: the ``model_type`` values it counts (``("llama",)``).
        fields: ``(keyword, config field)`` pairs: which field sets which size.
        from_file_only: keywords read only when the file itself gives their field (a
            value the config class derives from others is left to the family's rule).
        null_means_none: keywords whose field given as null means the part is absent (a
            null ``sliding_window``: no window), not the family's default.
        token_classification_bias: its token classifier reads the config's
            ``token_classification_bias`` (a bias or not).
        heads: ``(class-name ending, head)`` pairs beyond the usual ones
            (``DoubleHeadsModel`` -> ``double``).
        derived: what the config class derives (:func:`derived`).
        checks: what transformers refuses (:func:`check`).
        read: more reading than the field map (:data:`Reader`), or ``None``.
        probes: configs on which the recorder compares the derived fields with the
            real config class.
        refused: ``(config, stage)``: configs transformers must refuse (checked by the
            recorder); ``accepted``: configs it must build.
        config_defaults, model_classes: for a model type transformers does not have (a
            model of your own, with a config.json of its own): the config's fields with
            their defaults, and its model classes (the first is the base model), used in
            place of the recorded facts.
        parts: a composite's ``(part, nested config)`` pairs (``("text", "text_config")``):
            each nested config is read by the family that binds its model type, its
            keywords prefixed by the part.
    """

    model_types: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    from_file_only: frozenset[str] = frozenset()
    null_means_none: frozenset[str] = frozenset()
    token_classification_bias: bool = False
    heads: tuple[tuple[str, str], ...] = ()
    derived: tuple[dict[str, Any], ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    read: Reader | None = None
    probes: tuple[dict[str, Any], ...] = ()
    refused: tuple[tuple[dict[str, Any], str], ...] = ()
    accepted: tuple[dict[str, Any], ...] = ()
    config_defaults: tuple[tuple[str, Any], ...] = ()
    model_classes: tuple[str, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()

    def own_facts(self) -> dict[str, Any] | None:
        """The config class's facts the binding states itself (``None``: it states none,
        the recorded ones apply), in the recorded data's form."""
        if not self.model_classes:
            return None
        return {
            "defaults": dict(self.config_defaults),
            "attribute_map": {},
            "model_classes": {name: {} for name in self.model_classes},
            "auto": {"base": self.model_classes[0]},
        }

    def field_of(self, keyword: str) -> str | None:
        """The config field that sets ``keyword``, or ``None``."""
        return dict(self.fields).get(keyword)
