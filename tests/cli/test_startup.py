"""A fresh process pays only for what it uses: nothing heavy on the way to a cached count."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("sympy", "numpy", "scipy", "optuna", "torch", "transformers", "explorer.solver")
COUNT = ["count", "lstm", "--input", "39", "--cells", "1024", "--layers", "3", "--json"]
PROBE = (
    "import json, sys\n"
    "from explorer.cli import main\n"
    "main(json.loads(sys.argv[1]))\n"
    "print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)), file=sys.stderr)\n"
)


def _run(code: str, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPLORER_CACHE_DIR": str(cache)}
    env.pop("EXPLORER_CACHE", None)
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env
    )


def test_importing_the_package_loads_nothing(tmp_path: Path) -> None:
    done = _run(
        "import sys, explorer\nprint(sorted(m for m in sys.modules if m.startswith('explorer')))",
        cache=tmp_path,
    )
    assert done.stdout.strip() == "['explorer']"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(COUNT, id="count"),
        pytest.param(
            ["count", "lstm", "--input", "39", "--cells", ",".join(["64"] * 50), "--json"],
            id="fifty-layers-listed",  # built again, without sympy, as fast as read back
        ),
        pytest.param([*COUNT[:-3], "--layers", str(10**12), "--json"], id="a-trillion-layers"),
    ],
)
def test_a_cached_count_imports_nothing_heavy(argv: list[str], tmp_path: Path) -> None:
    code = PROBE.format(heavy=repr(HEAVY))
    first = _run(code, json.dumps(argv), cache=tmp_path)  # fills the cache
    again = _run(code, json.dumps(argv), cache=tmp_path)
    assert json.loads(again.stdout)["total"] == json.loads(first.stdout)["total"]
    assert json.loads(again.stderr.strip().splitlines()[-1]) == []


FAMILY_MODULES = (
    "import json, sys\n"
    "from explorer.cli import main\n"
    "main(json.loads(sys.argv[1]))\n"
    "found = sorted(m for m in sys.modules if m.startswith(('explorer.recurrent.families.', "
    "'explorer.transformer.families.')))\n"
    "print(json.dumps(found), file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("argv", "families"),
    [
        pytest.param(COUNT, ["explorer.recurrent.families.lstm"], id="count-lstm"),
        pytest.param(
            ["count", "llama", "--d-model", "64", "--layers", "2", "--heads", "4", "--vocab", "10",
             "--json"],
            ["explorer.transformer.families.llama"],
            id="count-llama",
        ),
        pytest.param(
            ["count", "--hf-config", "examples/configs/mixtral-8x7b.json", "--json"],
            ["explorer.transformer.families.mixtral"],
            id="count-hf-config",
        ),
        pytest.param(
            ["solve", "--budget", "6.5e6", "--layers", "3", "--json"],
            ["explorer.recurrent.families.lstm"],
            id="solve-default",
        ),
    ],
)  # fmt: skip
def test_a_command_imports_only_the_families_it_names(
    argv: list[str], families: list[str], tmp_path: Path
) -> None:
    """Counting one family loads its module and no other family's (a registry of many
    families costs a command nothing)."""
    root = Path(__file__).resolve().parents[2]
    argv = [str(root / a) if a.startswith("examples/") else a for a in argv]
    done = _run(FAMILY_MODULES, json.dumps(argv), cache=tmp_path)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == families
