"""The README is true: its Python blocks run, every command of its console blocks runs (from
a scratch directory holding the README's own files) and prints what the README shows, and
the families it lists are the registry's.

A console block's shown output is matched line by line from the start (the README may stop
early): a line ``...`` stands for any number of lines, ``...`` inside a line for any text. A
command's comment that is a number (``# 6,738,415,616``) is a figure its output must show.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from explorer.families import FAMILIES
from tests.cli_helpers import run

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The host of the README's many-machines example, replaced by a test database where one is
#: given (``EXPLORER_TEST_POSTGRES_URL``).
EXAMPLE_DATABASE = "postgresql://explorer:secret@db.example:5432/studies"


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(block, id=f"python-{index}")
        for index, block in enumerate(re.findall(r"```python\n(.*?)```", README, re.S))
    ],
)
def test_python_blocks_run(block: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(block, "README.md", "exec"), {})  # the README's own example code


def _commands() -> list[tuple[str, list[str]]]:
    """Every console command (continuation lines joined) with the output shown under it."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.rstrip("\n").splitlines()
        index = 0
        while index < len(lines):
            assert lines[index].startswith("$ "), f"README console line without $: {lines[index]}"
            command = lines[index][2:]
            while command.endswith("\\"):
                index += 1
                command = command[:-1] + " " + lines[index].strip()
            index += 1
            shown = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            found.append((command, shown))
    return found


def _matches(shown: list[str], printed: list[str]) -> bool:
    """Whether the printed lines begin as ``shown`` says (``...`` lines and text wildcards)."""
    patterns = [
        None if line == "..." else re.compile(".*".join(map(re.escape, line.split("..."))))
        for line in shown
    ]

    def match(p: int, o: int) -> bool:
        if p == len(patterns):
            return True
        pattern = patterns[p]
        if pattern is None:
            return any(match(p + 1, start) for start in range(o, len(printed) + 1))
        return o < len(printed) and bool(pattern.fullmatch(printed[o])) and match(p + 1, o + 1)

    return match(0, 0)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the README's files: ``examples/`` and the spec file it shows."""
    where = tmp_path_factory.mktemp("readme")
    (where / "examples").symlink_to(ROOT / "examples")
    spec = re.findall(r"```toml\n(.*?)```", README, re.S)
    (where / "model.toml").write_text(spec[0], encoding="utf-8")
    return where


@pytest.mark.parametrize(
    ("command", "shown"),
    [pytest.param(c, s, id=c[:60]) for c, s in _commands()],
)
def test_console_commands_print_what_the_readme_shows(
    command: str,
    shown: list[str],
    scratch: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = shlex.split(command, comments=True)
    comment = command.partition(" # ")[2].strip() if " # " in command else ""
    needs = {
        "derive": "torch",
        "llama.toml": "torch",  # the file the derive example saves
        "phi-3.5-moe": "transformers",
        "--plot": "matplotlib",
    }
    for word, module in needs.items():
        if word in command:
            pytest.importorskip(module)
    if EXAMPLE_DATABASE in argv:
        url = os.environ.get("EXPLORER_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("the many-machines example needs a database: EXPLORER_TEST_POSTGRES_URL")
        argv = [url if a == EXAMPLE_DATABASE else a for a in argv]
        argv[argv.index("--study-name") + 1] += f"-{os.getpid()}"
    monkeypatch.chdir(scratch)
    before = set(FAMILIES)
    try:
        status, out, err = run(capsys, argv[1:] if argv[0] == "explorer" else argv)
    finally:  # a derived formula's file named as a family is registered: not for later tests
        for name in set(FAMILIES) - before:
            del FAMILIES[name]
    assert status == 0, err
    printed = out.splitlines()
    assert _matches(shown, printed), "\n".join(["README shows:", *shown, "printed:", *printed])
    if re.fullmatch(r"[\d,.]+[kMB]?", comment):
        assert comment in out


def test_the_readme_lists_every_family() -> None:
    listed = set(re.findall(r"`([a-z0-9_]+)`", README))
    assert set(FAMILIES) - listed == set()
