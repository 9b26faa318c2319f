"""Running the CLI in-process for tests: ``main([...])`` with captured output."""

from __future__ import annotations

import json
from typing import Any

import pytest

from explorer.cli import main

__all__ = ["run", "run_json"]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``explorer ARGV``."""
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    """The one JSON object ``explorer ARGV --json`` prints (the run must succeed)."""
    status, out, err = run(capsys, [*argv, "--json"])
    assert status == 0, err
    data: dict[str, Any] = json.loads(out)
    return data
