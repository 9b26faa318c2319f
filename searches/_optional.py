"""Optional dependencies, imported only inside the paths that need them.

``explorer count`` must not pay for (or need) optuna or matplotlib: every import of them
goes through here, and a missing one becomes one line saying which extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from searches.errors import MissingExtraError

__all__ = ["require"]


def require(module: str, *, feature: str, extra: str = "search") -> ModuleType:
    """Import ``module`` or explain which extra provides it.

    Example:
        >>> require("json", feature="reading JSON").__name__
        'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".", maxsplit=1)[0]
        raise MissingExtraError(
            f"{feature} needs {top}, which is not installed: pip install 'explorer[{extra}]'"
        ) from None
