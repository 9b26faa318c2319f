"""Symbolic architecture explorer: exact, closed-form parameter counts.

The public names load on first use, so that ``import explorer`` (and every command of the
CLI) pays only for what it uses; ``import explorer`` never imports the derive package.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34)
    >>> c.total
    21166080

Where things are (each package imports only those below it; ``import-linter`` holds it):

- ``explorer.transformer`` and ``explorer.recurrent``: one package per kind of network, each
  with its engine (the walk over layers), its ``blocks`` (one module per kind of block, owning
  its parameter terms, its matrix products and its words) and its ``families`` (one module per
  family: vocabulary, defaults, rules, search choices, Hugging Face binding); a multimodal
  model is a ``explorer.transformer.composite`` family whose parts are other families;
- ``explorer.families``: the registry (one line per family), the narrow family contract and
  its optional capabilities, keywords, the Hugging Face binding's type;
  ``explorer.blocks``: what every block is made of; ``explorer.algebra``: terms, polynomials,
  compiled forms, :class:`Count` (it names no architecture);
- above them: ``explorer.hf`` (config.json files), ``explorer.derivation`` (closed forms of
  any torch or transformers class), ``explorer.solver``, ``explorer.measures``,
  ``explorer.explain``, ``explorer.spec``, ``explorer.papers``, ``explorer.scaling``; then
  ``searches`` and the command line (``explorer.commands``, ``explorer.cli``).

Words used here:

- *family*: a kind of architecture with its keywords (``lstm``, ``llama``); *design*: a
  family with its sizes; *convention*: what a count counts (biases, peepholes ...);
- *structure*: everything that shapes a design's formula but not its numbers (two designs
  with one structure share one compiled count); *slot*: a size the formula takes;
- *term*: one named parameter tensor (or identical ones, one per layer), as the framework
  names it; *block*: a piece of a layer that makes terms (attention, gates ...);
- *measure*: what is counted beside the parameters (the FLOPs of a forward pass, the KV
  cache); *binding*: how a family reads a Hugging Face ``config.json``;
- *derived formula*: a closed form fitted from meta-device builds and verified on a domain.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer._api import count, formula
    from explorer.algebra import Count
    from explorer.conventions import CONVENTIONS, Convention
    from explorer.derivation import Derived, derive, load_derived
    from explorer.errors import ExplorerError
    from explorer.families import FAMILIES
    from explorer.hf import count_hf, design_hf
    from explorer.measures import Bytes, Flops, Memory, memory, memory_convention
    from explorer.scaling import plan
    from explorer.solver import Solution, solve, solve_all

__all__ = [
    "CONVENTIONS",
    "FAMILIES",
    "Bytes",
    "Convention",
    "Count",
    "Derived",
    "ExplorerError",
    "Flops",
    "Memory",
    "Solution",
    "count",
    "count_hf",
    "derive",
    "design_hf",
    "formula",
    "load_derived",
    "memory",
    "memory_convention",
    "plan",
    "solve",
    "solve_all",
]
__version__ = "0.1.0"

#: Where each public name lives.
_HOMES = {
    "count": "explorer._api",
    "formula": "explorer._api",
    "Count": "explorer.algebra",
    "CONVENTIONS": "explorer.conventions",
    "Convention": "explorer.conventions",
    "Derived": "explorer.derivation",
    "derive": "explorer.derivation",
    "load_derived": "explorer.derivation",
    "ExplorerError": "explorer.errors",
    "count_hf": "explorer.hf",
    "design_hf": "explorer.hf",
    "FAMILIES": "explorer.families",
    "Bytes": "explorer.measures",
    "Flops": "explorer.measures",
    "Memory": "explorer.measures",
    "memory": "explorer.measures",
    "memory_convention": "explorer.measures",
    "plan": "explorer.scaling",
    "Solution": "explorer.solver",
    "solve": "explorer.solver",
    "solve_all": "explorer.solver",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'explorer' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
