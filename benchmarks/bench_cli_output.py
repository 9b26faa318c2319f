"""Benchmark: the command line's output of a deep per-layer count, against the count itself.

``explorer count lstm --input 39 --cells <one size per layer> --output 34`` prints a table
of every term (four or five per layer), the subtotals, the breakdowns and the formula; with
``--json`` one object holding the same. What it costs beyond the count is rendering, which
must stay linear in the depth and small beside the count. Each variant is a fresh process
with a filled formula cache (after an untimed warm-up), run alternately with the others,
the order rotating every round; CPU time (user + system of the child) gives the ratios,
wall time is shown beside.

- ``count``: a fresh ``python -c`` that imports explorer and takes
  ``explorer.count("lstm", input=39, cells=[...], output=34).total`` (the baseline).
- ``text``: ``python -m explorer count ...`` printing its table into a pipe (the whole
  formula; on a terminal it is cut unless ``--full-formula`` is given).
- ``json``: the same with ``--json``.

At 1,000 and 10,000 layers. Every total is checked against a sum computed here, layer by
layer. Targets: text and JSON at most 2 s of CPU at 10,000 layers; each at most 2x the
count's process; per layer, the CLI's time at 10,000 layers at most 2x its time at 1,000
(linear).

Also ``explorer formula llama`` (and ``gpt2 --latex``), which prints with sympy: with an
empty formula cache (every run a new one), against asked again (the printed formula read
back from the cache, no sympy); both outputs must be equal. Target: asked again at most
0.5x the first.

Run it from the project root with the project's interpreter::

    python benchmarks/bench_cli_output.py            # full run, about a minute
    python benchmarks/bench_cli_output.py --quick    # fewer rounds
    python benchmarks/bench_cli_output.py --json     # one JSON object with every figure
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common
from _common import CheckFailedError, Timing, check

TARGET_SECONDS = 2.0  # text and JSON at 10,000 layers, CPU seconds (at most)
TARGET_RATIO = 2.0  # CLI process / count process (at most)
TARGET_LINEAR = 2.0  # CLI per layer at 10,000 layers / at 1,000 (at most)
TARGET_FORMULA = 0.5  # formula asked again / formula with an empty cache (at most)
FORMULAS: tuple[tuple[str, ...], ...] = (("llama",), ("gpt2", "--latex"))
DEPTHS = (1000, 10000)
SEED = 20261206
COUNT_SNIPPET = """\
import sys
import explorer
cells = [int(c) for c in sys.argv[1].split(",")]
print(explorer.count("lstm", input=39, cells=cells, output=34).total)
"""


@dataclass(frozen=True)
class Settings:
    """How much to repeat: the full run (the defaults), or ``--quick``."""

    name: str = "full"
    rounds: int = 5


FULL = Settings()
QUICK = Settings(name="quick", rounds=2)
progress = common.progress_printer("bench_cli_output")


def _cells(layers: int) -> list[int]:
    rng = random.Random(SEED + layers)
    return [rng.randint(1, 4096) for _ in range(layers)]


def _expected(cells: list[int]) -> int:
    """PyTorch's LSTM (two bias vectors) with input 39 and a 34-wide output layer."""
    total, width = 0, 39
    for n in cells:
        total += 4 * n * (width + n) + 8 * n
        width = n
    return total + 34 * width + 34


def _total_of(variant: str, stdout: str) -> int:
    if variant == "count":
        return int(stdout)
    if variant == "json":
        return int(json.loads(stdout)["total"])
    head = stdout.split("\n", 1)[0]  # "lstm (convention pytorch): 1,234 parameters (1.2K)"
    return int(head.split(": ", 1)[1].split(" ", 1)[0].replace(",", ""))


def _variant(variant: str, cells: list[int], env: dict[str, str]) -> Callable[[], Timing]:
    sizes = ",".join(map(str, cells))
    if variant == "count":
        command = [sys.executable, "-c", COUNT_SNIPPET, sizes]
    else:
        command = [sys.executable, "-m", "explorer", "count", "lstm", "--input", "39"]
        command += ["--cells", sizes, "--output", "34", *(["--json"] if variant == "json" else [])]
    expected = _expected(cells)

    def run() -> Timing:
        timing, stdout, _ = common.run_measured(command, env, failure=CheckFailedError)
        check(_total_of(variant, stdout) == expected, f"{variant} at {len(cells)} layers is wrong")
        return timing

    return run


def measure(settings: Settings) -> dict[str, Any]:
    """Every variant at every depth: the report."""
    with common.scratch_cache("bench_cli_output_") as scratch:
        env = common.bytecode_environ(common.cache_enabled_environ(), scratch)
        env["EXPLORER_CACHE_DIR"] = str(scratch / "processes")
        variants: dict[tuple[str, int], Callable[[], Timing]] = {}
        for layers in DEPTHS:
            cells = _cells(layers)
            for variant in ("count", "text", "json"):
                variants[(variant, layers)] = _variant(variant, cells, env)
        progress("warm-up (fills the formula and bytecode caches)")
        for run in variants.values():
            run()
        progress(f"{settings.rounds} rounds of {len(variants)} processes")
        times = common.alternate(variants, settings.rounds)
        progress(f"formula: {settings.rounds} rounds, empty cache against asked again")
        formula_times = _formulas(settings, env, scratch)
    medians = {key: common.medians(samples) for key, samples in times.items()}
    figures: dict[str, Any] = {}
    for (variant, layers), timing in medians.items():
        figures.setdefault(variant, {})[str(layers)] = {"cpu_s": timing.cpu, "wall_s": timing.wall}
    ratios = {
        variant: {str(n): medians[(variant, n)].cpu / medians[("count", n)].cpu for n in DEPTHS}
        for variant in ("text", "json")
    }
    low, high = DEPTHS
    linear = {
        variant: (medians[(variant, high)].cpu / high) / (medians[(variant, low)].cpu / low)
        for variant in ("text", "json")
    }
    formula: dict[str, Any] = {}
    for (kind, argv), samples in formula_times.items():
        timing = common.medians(samples)
        formula[" ".join(argv)] = formula.get(" ".join(argv), {})
        formula[" ".join(argv)][kind] = {"cpu_s": timing.cpu, "wall_s": timing.wall}
    for entry in formula.values():
        entry["ratio"] = entry["again"]["cpu_s"] / entry["first"]["cpu_s"]
    report: dict[str, Any] = {
        "environment": common.base_environment({"explorer": common.version("explorer")}),
        "settings": vars(settings),
        "figures": figures,
        "ratio_to_count": ratios,
        "linear_ratio": linear,
        "formula": formula,
    }
    report["targets"] = _targets(report)
    report["all_targets_met"] = all(row["met"] for row in report["targets"])
    return report


def _formulas(
    settings: Settings, env: dict[str, str], scratch: Path
) -> dict[tuple[str, tuple[str, ...]], list[Timing]]:
    """``explorer formula`` with an empty cache (a new folder every run) and asked again."""
    runs = [0]
    printed: dict[tuple[str, ...], str] = {}

    def variant(kind: str, argv: tuple[str, ...]) -> Callable[[], Timing]:
        command = [sys.executable, "-m", "explorer", "formula", *argv]
        again = scratch / "formula-again"

        def run() -> Timing:
            folder = again
            if kind == "first":
                runs[0] += 1
                folder = scratch / f"formula-first-{runs[0]}"
            timing, stdout, _ = common.run_measured(
                command, {**env, "EXPLORER_CACHE_DIR": str(folder)}, failure=CheckFailedError
            )
            check(printed.setdefault(argv, stdout) == stdout, f"formula {argv} printed differently")
            return timing

        return run

    variants = {
        (kind, argv): variant(kind, argv) for argv in FORMULAS for kind in ("first", "again")
    }
    for run in variants.values():  # warm-up: fills the "again" cache and the bytecode cache
        run()
    return common.alternate(variants, settings.rounds)


def _targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    high = str(DEPTHS[-1])
    rows = []
    for variant in ("text", "json"):
        seconds = report["figures"][variant][high]["cpu_s"]
        rows.append(_row(f"{variant} at {high} layers, CPU s", seconds, TARGET_SECONDS, "s"))
        ratio = report["ratio_to_count"][variant][high]
        rows.append(_row(f"{variant} / count process at {high} layers", ratio, TARGET_RATIO, "x"))
        linear = report["linear_ratio"][variant]
        rows.append(
            _row(f"{variant} per layer, {high} / {DEPTHS[0]} layers", linear, TARGET_LINEAR, "x")
        )
    for argv, entry in report["formula"].items():
        rows.append(_row(f"formula {argv}: again / first", entry["ratio"], TARGET_FORMULA, "x"))
    return rows


def _row(target: str, measured: float, needed: float, unit: str) -> dict[str, Any]:
    return {
        "target": target,
        "measured": measured,
        "needed": needed,
        "unit": unit,
        "met": measured <= needed,
    }


def render(report: dict[str, Any]) -> str:
    """The human-readable table."""
    env = report["environment"]
    lines = [
        "explorer count at depth: the command line's output against the count itself",
        f"  python {env['python']} on {env['platform']}; explorer {env['explorer']}",
        f"  cpus: {env['cpu_count']} (usable {env['cpus_usable']}); "
        f"mode {report['settings']['name']}",
        "",
        f"   {'layers':>8}{'count':>16}{'text':>16}{'json':>16}"
        f"{'text/count':>12}{'json/count':>12}",
    ]
    figures, ratios = report["figures"], report["ratio_to_count"]
    for layers in map(str, DEPTHS):
        cells = [
            f"{figures[v][layers]['cpu_s']:.3f} s ({figures[v][layers]['wall_s']:.2f})"
            for v in ("count", "text", "json")
        ]
        lines.append(
            f"   {layers:>8}{cells[0]:>16}{cells[1]:>16}{cells[2]:>16}"
            f"{ratios['text'][layers]:>11.2f}x{ratios['json'][layers]:>11.2f}x"
        )
    lines += ["   (CPU seconds, wall in parentheses; medians of fresh processes)", ""]
    lines.append(f"   {'explorer formula':<24}{'empty cache':>16}{'asked again':>16}{'ratio':>8}")
    for argv, entry in report["formula"].items():
        first, again = entry["first"], entry["again"]
        lines.append(
            f"   {argv:<24}{first['cpu_s']:>8.3f} s ({first['wall_s']:.2f})"
            f"{again['cpu_s']:>8.3f} s ({again['wall_s']:.2f}){entry['ratio']:>7.2f}x"
        )
    lines.append("")
    lines.append("Targets (from CPU time)")
    for row in report["targets"]:
        unit = " s" if row["unit"] == "s" else "x"
        lines.append(
            f"   {row['target']:<46}{row['measured']:>8.3f}{unit}  <= {row['needed']:g}{unit}  "
            f"{'yes' if row['met'] else 'NO'}"
        )
    return "\n".join(lines)


main = common.make_main(
    "bench_cli_output", __doc__, "fewer rounds", (FULL, QUICK), measure, render=render
)


if __name__ == "__main__":
    sys.exit(main())
