"""The CLI's commands: one module each, registered here (the CLI's choices come from it).

Each module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> str``.
"""

from __future__ import annotations

from types import ModuleType

from explorer.commands import count, explain, formula, reproduce, search, solve, sweep

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (count, formula, solve, reproduce, explain, search, sweep)
