"""Data about Hugging Face ``transformers`` config classes, for reading ``config.json`` files
without importing torch or transformers.

``config_defaults.json`` holds, per supported ``model_type``: the config class's raw field
defaults, its aliases (``attribute_map``), its model classes and which one each auto mapping
picks, the fields its ``__init__`` (or the modelling code) derives, and what it refuses. It is
generated from the installed transformers by ``tests/fixtures/make_hf_defaults.py`` and records
that version.

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
