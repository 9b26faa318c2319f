"""The CLI's commands: one module each, registered here (the CLI's choices come from it).

Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> str``.
Modules load on demand: ``explorer count`` must not import what ``explorer search`` needs.

Example:
    >>> load("count").NAME
    'count'
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["COMMANDS", "load"]

#: Command name -> module, in the order ``explorer --help`` lists them.
COMMANDS: dict[str, str] = {
    "count": "explorer.commands.count",
    "formula": "explorer.commands.formula",
    "solve": "explorer.commands.solve",
    "plan": "explorer.commands.plan",
    "reproduce": "explorer.commands.reproduce",
    "explain": "explorer.commands.explain",
    "search": "explorer.commands.search",
    "sweep": "explorer.commands.sweep",
    "dashboard": "explorer.commands.dashboard",
    "derive": "explorer.commands.derive",
}


def load(name: str) -> ModuleType:
    """The module of a registered command."""
    return importlib.import_module(COMMANDS[name])
