"""Progress bars on stderr (tqdm), only when asked and only when tqdm is installed."""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["bar"]


def bar(total: int, *, unit: str, desc: str, enabled: bool) -> Any:
    """A tqdm bar on stderr, or ``None`` (disabled, or tqdm missing: no bar, no error).

    Example:
        >>> bar(10, unit="trial", desc="trials", enabled=False) is None
        True
    """
    if not enabled:
        return None
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit=unit, file=sys.stderr, desc=desc)
