"""Golden files: printed output compared with a file; ``EXPLORER_UPDATE_GOLDEN=1`` rewrites."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).parent / "golden"
UPDATE = os.environ.get("EXPLORER_UPDATE_GOLDEN") == "1"


def check_golden(folder: str, name: str, text: str) -> None:
    """Assert ``text`` equals ``golden/FOLDER/NAME.txt`` (or rewrite it when updating)."""
    path = ROOT / folder / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with EXPLORER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
