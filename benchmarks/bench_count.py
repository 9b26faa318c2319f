"""Benchmark: explorer's exact counts against "the torch route", side by side in one run.

The torch route is what people do today to learn a parameter count: build the model on
PyTorch's meta device (no memory is allocated) and sum ``numel()`` over its parameters.
This script measures both routes on the same designs and checks the issue's targets.

1. Whole process. ``explorer count lstm --input 39 --cells 1024 --layers 3 --output 34
   --json`` as a fresh process, against a fresh ``python -c`` process that imports torch,
   builds ``nn.LSTM(39, 1024, 3)`` + ``nn.Linear(1024, 34)`` under
   ``with torch.device("meta")`` and sums ``numel()``. Two explorer variants are timed:
   "first run" (a fresh, empty ``EXPLORER_CACHE_DIR`` each run: it imports sympy and
   derives the formula) and "cached" (a cache dir primed once: the steady state of a
   user). The three commands run alternately (the order rotates every round) after one
   untimed warm-up each; medians are reported. Target: cached explorer >= 4x faster.
2. Warm, per design. In one process, after one warm-up pass of each route, the same
   list of several hundred distinct, seeded designs (input, cells, layers, output) is
   counted with ``explorer.count("lstm", convention="pytorch", ...).total`` and with the
   meta-device torch route; the median pass time per design is reported and every total
   must agree exactly (PyTorch's LSTM has two bias vectors, its Linear a bias: explorer's
   ``pytorch`` convention). Target: explorer >= 100x faster. Extra lines: ``evaluate``
   on prebuilt counts.
3. Vectorised. ``explorer.formula("lstm", convention="pytorch", output=True)
   .evaluate_many(...)`` over a broadcast grid of cells 1..5000 x layers 1..8 x
   input 1..256 (output 34): 10,240,000 designs, best of 3, spot-checked against
   ``explorer.count(...).total``. Target: >= 10 million designs/s; the ratio against
   the torch route's designs/s (from part 2) is reported too.

Run it from the project root with the project's interpreter::

    python benchmarks/bench_count.py            # full run, well under 2 minutes
    python benchmarks/bench_count.py --quick    # fewer repetitions, under ~30 s
    python benchmarks/bench_count.py --json     # one JSON object with every figure

torch is imported lazily: without it, the explorer figures are still measured and the
torch-route figures and ratios are reported as missing. The exit status is 0 when the
measurements ran (whether or not a target is met) and 1 when a correctness check failed.
Formula caches live in a temporary folder that is removed at the end; the user's own
explorer cache is never touched.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common
import numpy as np
from _common import check

import explorer

# -- what is measured -----------------------------------------------------------------------
TARGET_PROCESS_SPEEDUP = 4.0  # torch process time / cached explorer process time
TARGET_WARM_SPEEDUP = 100.0  # torch per-design time / explorer per-design time
TARGET_GRID_RATE = 10_000_000.0  # designs per second through evaluate_many

CLI_DESIGN = {"input": 39, "cells": 1024, "layers": 3, "output": 34}
CLI_ARGS = (
    "count",
    "lstm",
    "--input",
    "39",
    "--cells",
    "1024",
    "--layers",
    "3",
    "--output",
    "34",
    "--json",
)
TORCH_SNIPPET = """\
import torch
from torch import nn
with torch.device("meta"):
    lstm = nn.LSTM(39, 1024, 3)
    head = nn.Linear(1024, 34)
print(sum(p.numel() for module in (lstm, head) for p in module.parameters()))
"""
TORCH_PROBE = "import torch; print(torch.__version__)"

GRID_CELLS, GRID_LAYERS, GRID_INPUTS, GRID_OUTPUT = 5000, 8, 256, 34
SEED = 20240611


@dataclass(frozen=True)
class Settings:
    """How much to repeat: the full run (the defaults), or ``--quick``."""

    name: str = "full"
    process_runs: int = 7
    designs: int = 500
    explorer_passes: int = 5
    torch_passes: int = 3
    grid_repeats: int = 3
    spot_checks: int = 24


FULL = Settings()
QUICK = Settings(
    "quick", process_runs=3, designs=300, explorer_passes=3, torch_passes=1, spot_checks=12
)

Design = tuple[int, int, int, int]  # input, cells, layers, output


progress = common.progress_printer("bench_count")


# -- environment ----------------------------------------------------------------------------
def probe_torch() -> tuple[str | None, str | None]:
    """torch's version as a fresh process sees it, or the reason it cannot be imported.

    A subprocess keeps torch out of this process until part 2 needs it (and warms the
    page cache for torch's files, as a user's second run would find it).
    """
    done = subprocess.run(
        [sys.executable, "-c", TORCH_PROBE], capture_output=True, text=True, check=False
    )
    if done.returncode == 0:
        return done.stdout.strip(), None
    lines = done.stderr.strip().splitlines()
    return None, lines[-1] if lines else f"exit status {done.returncode}"


def environment(torch_version: str | None, torch_error: str | None) -> dict[str, Any]:
    """Interpreter, library versions and CPUs."""
    return common.base_environment(
        {
            "torch": torch_version,
            "torch_missing_reason": torch_error,
            "numpy": np.__version__,
            "sympy": common.version("sympy"),
            "explorer": explorer.__version__,
        }
    )


# -- part 1: whole process ------------------------------------------------------------------
def explorer_command() -> list[str]:
    """The ``explorer`` console script next to the interpreter, else ``python -m explorer``."""
    return common.console_command("explorer", ("explorer",), CLI_ARGS)


def _explorer_total(stdout: str) -> int:
    data = json.loads(stdout)
    check(isinstance(data.get("total"), int), f"explorer --json gave no integer total: {data}")
    return int(data["total"])


class ProcessBench:
    """The three fresh-process commands of part 1, and what their runs showed."""

    def __init__(self, scratch: Path, torch_ok: bool) -> None:
        self.command = explorer_command()
        self.torch_command = [sys.executable, "-c", TORCH_SNIPPET] if torch_ok else None
        self.env = common.cache_enabled_environ()  # the cache must be on for these measurements
        self.scratch = scratch
        self.primed_env = {**self.env, "EXPLORER_CACHE_DIR": str(scratch / "primed")}
        self.primed_entries: set[str] = set()
        self.fresh_dirs = 0
        self.cache_misses = 0
        self.fresh_entries_written: list[int] = []
        self.expected = explorer.count("lstm", convention="pytorch", **CLI_DESIGN).total
        self.torch_total: int | None = None

    def _fresh_env(self) -> tuple[dict[str, str], Path]:
        folder = self.scratch / f"fresh-{self.fresh_dirs}"
        self.fresh_dirs += 1
        folder.mkdir()
        return {**self.env, "EXPLORER_CACHE_DIR": str(folder)}, folder

    def warm_up(self) -> None:
        """One untimed run of every command: checks the answers, primes the cache and puts
        every file each command reads into the page cache."""
        self.first_run()
        self.fresh_entries_written.clear()
        _, stdout, _ = common.run_timed(self.command, self.primed_env)
        check(
            _explorer_total(stdout) == self.expected,
            "explorer CLI total differs from explorer.count",
        )
        self.primed_entries = common.cache_entries(Path(self.primed_env["EXPLORER_CACHE_DIR"]))
        check(len(self.primed_entries) >= 1, "explorer wrote no cache entry while priming")
        if self.torch_command is not None:
            self.torch_total = int(common.run_timed(self.torch_command, self.env)[1].strip())
            check(
                self.torch_total == self.expected,
                f"torch meta total {self.torch_total} != explorer total {self.expected}",
            )

    def first_run(self) -> float:
        """explorer with a fresh, empty cache dir: imports sympy and derives the formula."""
        env, folder = self._fresh_env()
        elapsed, stdout, _ = common.run_timed(self.command, env)
        check(_explorer_total(stdout) == self.expected, "explorer CLI total (first run) is wrong")
        self.fresh_entries_written.append(len(common.cache_entries(folder)))
        return elapsed

    def cached(self) -> float:
        """explorer with the primed cache dir: the steady state."""
        elapsed, stdout, _ = common.run_timed(self.command, self.primed_env)
        check(_explorer_total(stdout) == self.expected, "explorer CLI total (cached) is wrong")
        entries = common.cache_entries(Path(self.primed_env["EXPLORER_CACHE_DIR"]))
        if entries != self.primed_entries:  # a new entry: this run missed and derived
            self.cache_misses += 1
            self.primed_entries = entries
        return elapsed

    def torch_route(self) -> float:
        """A fresh python that imports torch and builds the model on the meta device."""
        assert self.torch_command is not None
        elapsed, stdout, _ = common.run_timed(self.torch_command, self.env)
        check(int(stdout.strip()) == self.expected, "torch meta total changed between runs")
        return elapsed


def bench_process(settings: Settings, scratch: Path, torch_ok: bool) -> dict[str, Any]:
    """Part 1: fresh processes, alternating (order rotating every round), medians."""
    bench = ProcessBench(scratch, torch_ok)
    bench.warm_up()
    variants: dict[str, Callable[[], float]] = {
        "explorer_first_run": bench.first_run,
        "explorer_cached": bench.cached,
    }
    if torch_ok:
        variants["torch_meta"] = bench.torch_route
    times = common.alternate(variants, settings.process_runs)
    summaries = {name: common.summarise_times(values) for name, values in times.items()}
    speedups: dict[str, float | None] = {"speedup_cached": None, "speedup_first_run": None}
    if torch_ok:
        torch_median = summaries["torch_meta"]["median_s"]
        speedups["speedup_cached"] = torch_median / summaries["explorer_cached"]["median_s"]
        speedups["speedup_first_run"] = torch_median / summaries["explorer_first_run"]["median_s"]
    return {
        "explorer_command": bench.command,
        "torch_command": bench.torch_command,
        "total_explorer": bench.expected,
        "total_torch": bench.torch_total,
        "totals_identical": None
        if bench.torch_total is None
        else bench.torch_total == bench.expected,
        "cached_runs_that_missed_the_cache": bench.cache_misses,
        "first_runs_cache_entries_written": bench.fresh_entries_written,
        "variants": summaries,
        **speedups,
    }


# -- part 2: warm, per design ---------------------------------------------------------------
def make_designs(n: int, seed: int) -> list[Design]:
    """``n`` distinct seeded designs: input 1..1024, cells 1..4096, layers 1..8, output 1..1024."""
    rng = random.Random(seed)
    seen: set[Design] = set()
    designs: list[Design] = []
    while len(designs) < n:
        design = (
            rng.randint(1, 1024),
            rng.randint(1, 4096),
            rng.randint(1, 8),
            rng.randint(1, 1024),
        )
        if design not in seen:
            seen.add(design)
            designs.append(design)
    return designs


def explorer_total(n_i: int, n_c: int, layers: int, n_o: int) -> int:
    """The explorer route for one design."""
    return explorer.count(
        "lstm", convention="pytorch", input=n_i, cells=n_c, layers=layers, output=n_o
    ).total


def make_torch_total() -> Callable[[int, int, int, int], int]:
    """The torch route for one design (imports torch on first use)."""
    import torch  # lazily: the script runs without torch
    from torch import nn

    def torch_total(n_i: int, n_c: int, layers: int, n_o: int) -> int:
        with torch.device("meta"):
            lstm = nn.LSTM(n_i, n_c, layers)
            head = nn.Linear(n_c, n_o)
        return sum(p.numel() for module in (lstm, head) for p in module.parameters())

    return torch_total


def time_passes(
    route: Callable[[int, int, int, int], int], designs: list[Design], passes: int
) -> tuple[list[float], list[int]]:
    """One untimed warm-up pass, then ``passes`` timed passes over every design."""
    totals = [route(*d) for d in designs]
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        again = [route(*d) for d in designs]
        times.append(time.perf_counter() - start)
        check(again == totals, "a route gave different totals on a second pass")
    return times, totals


def _per_design(times: list[float], n: int) -> dict[str, Any]:
    return {
        "per_design_median_s": statistics.median(times) / n,
        "per_design_best_s": min(times) / n,
        "pass_times_s": times,
        "designs_per_s": n / statistics.median(times),
    }


def bench_warm(settings: Settings, torch_ok: bool) -> dict[str, Any]:
    """Part 2: the same designs through both routes, in one warm process."""
    designs = make_designs(settings.designs, SEED)
    n = len(designs)
    ex_times, ex_totals = time_passes(explorer_total, designs, settings.explorer_passes)
    result: dict[str, Any] = {
        "designs": n,
        "seed": SEED,
        "ranges": {"input": [1, 1024], "cells": [1, 4096], "layers": [1, 8], "output": [1, 1024]},
        "explorer_count": _per_design(ex_times, n),
    }

    # Extra: Count.evaluate on a prebuilt count (cells vary; the structure is fixed).
    prebuilt = explorer.count("lstm", convention="pytorch", **CLI_DESIGN)
    cells = [d[1] for d in designs]
    ev_totals = [prebuilt.evaluate(cells=c) for c in cells]
    ev_times = []
    for _ in range(settings.explorer_passes):
        start = time.perf_counter()
        for c in cells:
            prebuilt.evaluate(cells=c)
        ev_times.append(time.perf_counter() - start)
    expected_ev = [
        explorer_total(CLI_DESIGN["input"], c, CLI_DESIGN["layers"], CLI_DESIGN["output"])
        for c in cells[:20]
    ]
    check(ev_totals[:20] == expected_ev, "Count.evaluate(cells=...) disagrees with count()")
    result["count_evaluate_cells"] = _per_design(ev_times, n)

    # Extra: the symbolic-depth formula evaluated at all four sizes, same designs.
    symbolic = explorer.formula("lstm", convention="pytorch", output=True)

    def formula_total(n_i: int, n_c: int, layers: int, n_o: int) -> int:
        return symbolic.evaluate(input=n_i, cells=n_c, layers=layers, output=n_o)

    fo_times, fo_totals = time_passes(formula_total, designs, settings.explorer_passes)
    check(fo_totals == ex_totals, "formula(...).evaluate disagrees with count(...).total")
    result["formula_evaluate_all_sizes"] = _per_design(fo_times, n)

    if not torch_ok:
        result.update(torch_meta=None, totals_identical=None, speedup=None)
        return result
    torch_total = make_torch_total()
    th_times, th_totals = time_passes(torch_total, designs, settings.torch_passes)
    mismatches = [(d, e, t) for d, e, t in zip(designs, ex_totals, th_totals) if e != t]
    check(
        not mismatches,
        f"explorer and torch disagree on {len(mismatches)} designs, "
        f"first (input, cells, layers, output), explorer, torch: {mismatches[:3]}",
    )
    result["torch_meta"] = _per_design(th_times, n)
    result["totals_identical"] = True
    result["speedup"] = (
        result["torch_meta"]["per_design_median_s"]
        / result["explorer_count"]["per_design_median_s"]
    )
    return result


# -- part 3: vectorised ---------------------------------------------------------------------
def bench_grid(settings: Settings, torch_rate: float | None) -> dict[str, Any]:
    """Part 3: evaluate_many over a broadcast grid (no input array is materialised)."""
    symbolic = explorer.formula("lstm", convention="pytorch", output=True)
    cells = np.arange(1, GRID_CELLS + 1, dtype=np.int64).reshape(-1, 1, 1)
    layers = np.arange(1, GRID_LAYERS + 1, dtype=np.int64).reshape(1, -1, 1)
    inputs = np.arange(1, GRID_INPUTS + 1, dtype=np.int64).reshape(1, 1, -1)
    output = np.array(GRID_OUTPUT, dtype=np.int64)
    size = GRID_CELLS * GRID_LAYERS * GRID_INPUTS

    times = []
    totals = None
    for _ in range(settings.grid_repeats):
        totals = None  # free the previous result before the next one is built
        start = time.perf_counter()
        totals = symbolic.evaluate_many(input=inputs, cells=cells, layers=layers, output=output)
        times.append(time.perf_counter() - start)
    assert totals is not None
    check(totals.dtype == np.int64, f"evaluate_many returned {totals.dtype}, not int64")
    check(
        totals.shape == (GRID_CELLS, GRID_LAYERS, GRID_INPUTS),
        f"evaluate_many returned shape {totals.shape}",
    )

    rng = random.Random(SEED + 1)
    points = [(0, 0, 0), (GRID_CELLS - 1, GRID_LAYERS - 1, GRID_INPUTS - 1), (1023, 2, 38)]
    while len(points) < settings.spot_checks:
        points.append(
            (rng.randrange(GRID_CELLS), rng.randrange(GRID_LAYERS), rng.randrange(GRID_INPUTS))
        )
    for c, layer, i in points:
        want = explorer_total(i + 1, c + 1, layer + 1, GRID_OUTPUT)
        got = int(totals[c, layer, i])
        check(
            got == want,
            f"evaluate_many at input={i + 1}, cells={c + 1}, layers={layer + 1}: "
            f"{got} != count().total {want}",
        )
    best = min(times)
    rate = size / best
    return {
        "grid": {
            "cells": [1, GRID_CELLS],
            "layers": [1, GRID_LAYERS],
            "input": [1, GRID_INPUTS],
            "output": GRID_OUTPUT,
        },
        "designs": size,
        "times_s": times,
        "best_s": best,
        "designs_per_s": rate,
        "spot_checks": len(points),
        "spot_checks_exact": True,
        "result_bytes": int(totals.nbytes),
        "torch_meta_designs_per_s": torch_rate,
        "speedup_vs_torch_meta": rate / torch_rate if torch_rate else None,
    }


# -- report ---------------------------------------------------------------------------------
def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f} ms"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} us"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}x"


def _met(met: bool | None) -> str:
    return "n/a (torch missing)" if met is None else ("yes" if met else "NO")


def _target(name: str, measured: float | None, needed: float, unit: str) -> dict[str, Any]:
    met = None if measured is None else measured >= needed
    return {"target": name, "measured": measured, "needed": needed, "unit": unit, "met": met}


def targets(
    process: dict[str, Any], warm: dict[str, Any], grid: dict[str, Any]
) -> list[dict[str, Any]]:
    """The issue's targets, measured value against needed value."""
    return [
        _target(
            "1. whole process: torch / explorer (cached)",
            process["speedup_cached"],
            TARGET_PROCESS_SPEEDUP,
            "x",
        ),
        _target(
            "2. warm per design: torch / explorer.count", warm["speedup"], TARGET_WARM_SPEEDUP, "x"
        ),
        _target(
            "3. evaluate_many designs per second",
            grid["designs_per_s"],
            TARGET_GRID_RATE,
            "designs/s",
        ),
    ]


def _render_environment(env: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    torch_text = env["torch"] if env["torch"] else f"MISSING ({env['torch_missing_reason']})"
    lines = common.environment_lines(
        "explorer vs the torch route (meta device): parameter-count benchmark",
        {**env, "torch": torch_text},
        ("torch", "numpy", "sympy", "explorer"),
        settings["name"],
    )
    if not env["torch"]:
        lines.append("  torch is missing: torch-route figures and ratios are skipped")
    return lines


def _render_process(process: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    lines = [
        "1. Whole process: explorer " + " ".join(CLI_ARGS),
        "   vs python -c 'import torch; LSTM(39, 1024, 3) + Linear(1024, 34) on meta; sum numel'",
        f"   {settings['process_runs']} runs each, alternating, after one warm-up run each",
        f"   {'variant':<34}{'median':>11}{'min':>11}{'max':>11}{'torch/this':>12}",
    ]
    labels = {
        "explorer_first_run": "explorer, first run (empty cache)",
        "explorer_cached": "explorer, cached (primed cache)",
        "torch_meta": "torch meta (python -c)",
    }
    torch_median = process["variants"].get("torch_meta", {}).get("median_s")
    for name, stats in process["variants"].items():
        ratio = torch_median / stats["median_s"] if torch_median else None
        lines.append(
            f"   {labels[name]:<34}{_ms(stats['median_s']):>11}"
            f"{_ms(stats['min_s']):>11}{_ms(stats['max_s']):>11}{_ratio(ratio):>12}"
        )
    same = process["totals_identical"]
    torch_total = process["total_torch"]
    lines.append(
        f"   totals: explorer {process['total_explorer']:,}, torch "
        + ("n/a" if torch_total is None else f"{torch_total:,}")
        + ("" if same is None else (" (identical)" if same else " (DIFFERENT)"))
    )
    written = sorted(set(process["first_runs_cache_entries_written"]))
    lines.append(
        f"   cached runs that missed the cache: "
        f"{process['cached_runs_that_missed_the_cache']}; "
        f"each first run wrote {written} cache entries"
    )
    if process["cached_runs_that_missed_the_cache"]:
        lines.append(
            "   (a cached run misses when explorer's source changes during the run: "
            "entries are keyed by a digest of the package source)"
        )
    return lines


def _render_warm(warm: dict[str, Any]) -> list[str]:
    lines = [
        f"2. Warm, per design: {warm['designs']} distinct seeded designs (input 1..1024, "
        "cells 1..4096,",
        "   layers 1..8, output 1..1024), one warm-up pass each, median pass / designs",
        f"   {'route':<50}{'per design':>13}{'designs/s':>14}",
    ]
    rows = [
        ("explorer.count(...).total", warm["explorer_count"]),
        ("torch meta nn.LSTM + nn.Linear, sum numel", warm["torch_meta"]),
        ("(extra) prebuilt Count.evaluate(cells=...)", warm["count_evaluate_cells"]),
        ("(extra) formula(output=True).evaluate(4 sizes)", warm["formula_evaluate_all_sizes"]),
    ]
    for label, stats in rows:
        if stats is None:
            lines.append(f"   {label:<50}{'n/a':>13}{'n/a':>14}")
        else:
            lines.append(
                f"   {label:<50}{_us(stats['per_design_median_s']):>13}"
                f"{stats['designs_per_s']:>14,.0f}"
            )
    lines.append(
        f"   speedup torch / explorer.count: {_ratio(warm['speedup'])}; totals identical: "
        + ("all designs" if warm["totals_identical"] else "n/a (torch missing)")
    )
    return lines


def _render_grid(grid: dict[str, Any]) -> list[str]:
    torch_rate = grid["torch_meta_designs_per_s"]
    return [
        "3. Vectorised: formula('lstm', convention='pytorch', output=True).evaluate_many over",
        f"   cells 1..{GRID_CELLS} x layers 1..{GRID_LAYERS} x input 1..{GRID_INPUTS}, "
        f"output {GRID_OUTPUT} (broadcast): {grid['designs']:,} designs, int64 result",
        "   times: "
        + ", ".join(f"{t * 1e3:.1f} ms" for t in grid["times_s"])
        + f"; best {grid['best_s'] * 1e3:.1f} ms",
        f"   rate: {grid['designs_per_s']:,.0f} designs/s; vs torch meta "
        + (
            "n/a"
            if torch_rate is None
            else f"{torch_rate:,.0f} designs/s: {_ratio(grid['speedup_vs_torch_meta'])}"
        ),
        f"   spot checks against explorer.count(...).total: {grid['spot_checks']} points, "
        "all exact",
    ]


def _render_targets(rows: list[dict[str, Any]], first_run: float | None) -> list[str]:
    lines = ["Targets", f"   {'target':<46}{'measured':>18}{'needed':>16}  met"]
    for row in rows:
        if row["unit"] == "x":
            measured, needed = _ratio(row["measured"]), f">= {row['needed']:g}x"
        else:
            measured = f"{row['measured'] / 1e6:,.1f}M/s"
            needed = f">= {row['needed'] / 1e6:g}M/s"
        lines.append(f"   {row['target']:<46}{measured:>18}{needed:>16}  {_met(row['met'])}")
    lines.append(
        f"   {'(reference) torch / explorer first run':<46}{_ratio(first_run):>18}"
        f"{'no target':>16}  -"
    )
    return lines


def render(report: dict[str, Any]) -> str:
    """The human-readable table."""
    settings = report["settings"]
    sections = [
        _render_environment(report["environment"], settings),
        _render_process(report["process"], settings),
        _render_warm(report["warm"]),
        _render_grid(report["vectorised"]),
        _render_targets(report["targets"], report["process"]["speedup_first_run"]),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def measure(settings: Settings) -> dict[str, Any]:
    """Run every part and check the targets: the report."""
    # In-process counts use a scratch cache too, never the user's.
    with common.scratch_cache("bench_count_") as scratch:
        progress("probing torch")
        torch_version, torch_error = probe_torch()
        torch_ok = torch_version is not None
        report: dict[str, Any] = {
            "environment": environment(torch_version, torch_error),
            "settings": vars(settings),
        }
        progress(f"part 1: whole process ({settings.process_runs} runs per variant)")
        report["process"] = bench_process(settings, scratch, torch_ok)
        progress(f"part 2: warm, per design ({settings.designs} designs)")
        report["warm"] = bench_warm(settings, torch_ok)
        torch_rate = report["warm"]["torch_meta"]["designs_per_s"] if torch_ok else None
        progress("part 3: vectorised grid")
        report["vectorised"] = bench_grid(settings, torch_rate)
    report["targets"] = targets(report["process"], report["warm"], report["vectorised"])
    verdicts = [row["met"] for row in report["targets"]]
    report["all_targets_met"] = None if None in verdicts else all(verdicts)
    return report


main = common.make_main(
    "bench_count", __doc__, "fewer repetitions (~30 s)", (FULL, QUICK), measure, render=render
)


if __name__ == "__main__":
    sys.exit(main())
