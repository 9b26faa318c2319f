"""``count --tree``: the count along the framework's module hierarchy, as torchinfo shows
it. Each module's parameters equal the sum of the recorded named parameters under its path
(transformers' builds, ``tests/fixtures/hf_counts.json``); with ``--seq`` the modules' MACs
add up to the count's."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.render_tree import module_tree
from tests.cli_helpers import run

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hf_counts.json"
CASES = [
    case
    for case in json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]
    if "parameters" in case and case["name"].startswith("class-")
][:12]


def _recorded_sums(case: dict[str, Any], depth: int) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for name, shape in case["parameters"]:
        parts = name.split(".")[:-1]
        size = 1
        for dimension in shape:
            size *= dimension
        for k in range(1, min(depth, len(parts)) + 1):
            sums[".".join(parts[:k])] += size
    return dict(sums)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_module_holds_what_transformers_built_under_it(case: dict[str, Any]) -> None:
    counted = explorer.count_hf(case["config"], model=case["model"])
    recorded = _recorded_sums(case, depth=2)
    rows = {r.module: r.parameters for r in module_tree(counted, depth=2) if "*" not in r.module}
    assert rows == {module: recorded[module] for module in rows}
    indexed = {m for m in recorded if any(part.isdigit() for part in m.split("."))}
    assert set(rows) == set(recorded) - indexed


def test_the_modules_macs_add_up(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "llama", "--d-model", "64", "--layers", "2", "--heads", "4", "--vocab",
            "100", "--seq", "8", "--tree", "--depth", "1", "--json"]  # fmt: skip
    status, out, err = run(capsys, argv)
    assert status == 0, err
    data = json.loads(out)
    assert sum(row["macs"] for row in data["tree"]) == data["macs"]
    assert sum(row["parameters"] for row in data["tree"]) == data["total"]


def test_a_bad_depth_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, ["count", "lstm", "--input", "3", "--cells", "4", "--tree",
                                  "--depth", "0"])  # fmt: skip
    assert status == 2
    assert "--depth must be at least 1" in err
