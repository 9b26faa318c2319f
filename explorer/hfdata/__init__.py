"""Data about Hugging Face ``transformers`` config classes, for reading ``config.json`` files
without importing torch or transformers.

``config_defaults.json`` holds, per ``model_type`` a family binds: the family, the config
class's raw field defaults, its aliases (``attribute_map``), its model classes and which one
each auto mapping picks; and every model type transformers knows. It is generated from the
installed transformers by ``python -m explorer.hf.record`` and records that version; what a
config class derives and refuses is declared by the family's binding and checked there.

Example:
    >>> import json
    >>> from importlib.resources import files
    >>> data = json.loads(files("explorer.hfdata").joinpath("config_defaults.json").read_text())
    >>> data["model_types"]["gpt2"]["attribute_map"]["hidden_size"]
    'n_embd'
    >>> data["model_types"]["llama"]["auto"]["causal_lm"]
    'LlamaForCausalLM'
"""

from __future__ import annotations

__all__: list[str] = []
