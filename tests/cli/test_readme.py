"""The README's examples run: its Python blocks, and the console lines of the CLI that
show their output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.cli_helpers import run

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(block, id=f"python-{index}")
        for index, block in enumerate(re.findall(r"```python\n(.*?)```", README, re.S))
    ],
)
def test_python_blocks_run(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, "README.md", "exec"), {})  # the README's own example code


def _shown_outputs() -> list[tuple[list[str], list[str]]]:
    """Console commands whose output the README prints (no ``...`` in it)."""
    cases = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        commands = re.split(r"^\$ ", block, flags=re.M)[1:]
        for text in commands:
            command, _, shown = text.partition("\n")
            lines = shown.rstrip("\n").splitlines()
            whole = lines and not any("..." in line for line in lines)
            if whole and "#" not in command and not command.endswith("\\"):
                cases.append((shlex.split(command), lines))
    return cases


@pytest.mark.parametrize(
    ("argv", "lines"),
    [pytest.param(argv, lines, id=" ".join(argv[:2])) for argv, lines in _shown_outputs()],
)
def test_console_examples_print_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str], argv: list[str], lines: list[str]
) -> None:
    command = argv[1:] if argv[0] == "explorer" else argv
    status, out, err = run(capsys, command)
    assert status == 0, err
    assert out.splitlines()[: len(lines)] == lines  # the README may stop early
