"""``explorer formula`` prints from the formula cache when asked again: no sympy, the same
text, every option in the key, an altered entry never trusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import run

PROBE = (
    "import json, sys\n"
    "from explorer.cli import main\n"
    "main(json.loads(sys.argv[1]))\n"
    "print(json.dumps('sympy' in sys.modules), file=sys.stderr)\n"
)


def _fresh(argv: list[str], cache: Path) -> tuple[str, bool]:
    """stdout of ``explorer ARGV`` in a fresh process, and whether it imported sympy."""
    env = {**os.environ, "EXPLORER_CACHE_DIR": str(cache)}
    env.pop("EXPLORER_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["formula", "llama"], id="text"),
        pytest.param(["formula", "gpt2", "--latex", "--layers", "12"], id="latex"),
        pytest.param(["formula", "mixtral", "--flops", "--json"], id="flops-json"),
    ],
)
def test_a_formula_asked_again_needs_no_sympy(argv: list[str], tmp_path: Path) -> None:
    first, imported = _fresh(argv, tmp_path)
    assert imported
    again, imported = _fresh(argv, tmp_path)
    assert again == first
    assert not imported


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CACHE", raising=False)
    return tmp_path


def _uncached(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    os.environ["EXPLORER_CACHE"] = "off"
    try:
        return run(capsys, argv)[1]
    finally:
        del os.environ["EXPLORER_CACHE"]


def test_every_option_is_part_of_the_key(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    variants = [
        ["formula", "lstm"],
        ["formula", "lstm", "--latex"],
        ["formula", "lstm", "--expand"],
        ["formula", "lstm", "--layers", "2"],
        ["formula", "lstm", "--convention", "keras"],
        ["formula", "lstm", "--json"],
        ["formula", "llama", "--flops", "--seq", "8"],
    ]
    outputs = [run(capsys, argv)[1] for argv in variants]  # filled in this order
    again = [run(capsys, argv)[1] for argv in reversed(variants)][::-1]
    assert again == outputs
    assert len(set(outputs)) == len(outputs)
    assert outputs == [_uncached(capsys, argv) for argv in variants]


def test_an_altered_text_entry_is_rebuilt(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["formula", "rnn", "--convention", "weights"]
    truth = run(capsys, argv)[1]
    (entry,) = [p for p in cache.glob("*.json") if b'"text|formula' in p.read_bytes()[:300]]
    head, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(head + b"\n" + body + b" + 1")
    again = run(capsys, argv)[1]
    assert again == truth
    assert not again.rstrip().endswith("+ 1")
