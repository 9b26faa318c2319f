"""Data about Hugging Face ``transformers`` config classes, for reading ``config.json`` files
without importing torch or transformers.

``index.json`` holds the family of each ``model_type`` a family binds, the fields every
config shares, and every model type transformers knows; ``types/MODEL_TYPE.json`` holds one
config class's raw field defaults, its aliases (``attribute_map``), its model classes and
which one each auto mapping picks. It is generated from the
installed transformers by ``python -m explorer.hf.record`` and records that version; what a
config class derives and refuses is declared by the family's binding and checked there.

Example:
    >>> import json
    >>> from importlib.resources import files
    >>> gpt2 = json.loads(files("explorer.hfdata").joinpath("types", "gpt2.json").read_text())
    >>> gpt2["attribute_map"]["hidden_size"]
    'n_embd'
    >>> json.loads(files("explorer.hfdata").joinpath("index.json").read_text())["families"]["t5"]
    't5'
"""

from __future__ import annotations

__all__: list[str] = []
