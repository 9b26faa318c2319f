"""Benchmark: explorer's exact counts against what people do today, side by side in one run.

What people do today to learn a parameter count is "the torch route": build the model on
PyTorch's meta device (no memory is allocated) and sum ``numel()`` over its parameters,
written as users write it, ``nn.LSTM(..., device="meta")``. Every part below runs its
routes alternately (the order rotating every round) after an untimed warm-up of each, and
prints ratios. Each measurement records wall time and CPU time (this process's, or the
child's from ``getrusage``); ratios and targets are taken from CPU time, which the load of
other processes on a shared machine does not inflate, and wall times are shown beside.

1. Whole process. ``explorer count lstm --input 39 --cells 1024 --layers 3 --output 34
   --json`` as a fresh process with a filled formula cache, against a bare ``python -c
   pass`` and against a fresh ``python -c`` process that imports torch, builds ``nn.LSTM``
   and ``nn.Linear`` on the meta device and sums ``numel()``. Also timed: explorer with an
   empty cache (it imports sympy and derives the formula). The processes run with Python's
   bytecode cache on (in a scratch folder), as an installed package runs; one more variant
   shows explorer with the bytecode cache off (``PYTHONDONTWRITEBYTECODE=1``).
   Target: the cached explorer process at most 3x a bare ``python -c pass``.
2. Warm, per design. In one process, several hundred distinct seeded designs (input,
   cells, layers, output) counted with ``explorer.count("lstm", ...).total`` and with the
   torch route; every total must agree exactly. A sample is whole passes over the
   designs until it has taken 0.1 s of CPU (one pass of the torch route, many of
   explorer's), so that neither route is timed over a few milliseconds just after the
   other has run. Target: explorer at least 400x faster (the floor is 200x). Beside it,
   reported: each call a design never counted before (its output size new), so that
   ``explorer.count`` parses it (no request it remembers serves it).
3. Many designs at once. ``explorer.formula("lstm", convention="pytorch", output=True)
   .evaluate_many(...)`` over 10 million random designs (four int64 arrays of random
   sizes, not a broadcast grid), against the same polynomial evaluated by hand in blocks
   with in-place numpy; both results compared element by element, and spot checks against
   ``explorer.count(...).total``. Peak memory during a call from ``tracemalloc`` (numpy
   reports its buffers to it). Targets: at least 0.8x the hand-written rate; extra memory
   at most 1.2x the result.
4. Per-layer sizes. ``explorer.count("lstm", input=39, cells=[...], output=34).total`` with
   one random size per layer: the first count in a fresh process (empty formula cache) at
   1,000 and 10,000 layers, and warm calls at 10 to 10,000 layers (in rounds, the sizes
   alternating, the median per size); every total checked against a sum computed here,
   layer by layer. Also a uniform depth of 10^12 layers, answered from the closed form.
   Targets: first count under 0.2 s at 1,000 layers and under 2 s at 10,000; warm calls
   growing linearly (per layer at 10,000 layers at most 2x per layer at 1,000).

Run it from the project root with the project's interpreter::

    python benchmarks/bench_count.py            # full run, a few minutes
    python benchmarks/bench_count.py --quick    # fewer repetitions and designs
    python benchmarks/bench_count.py --json     # one JSON object with every figure

torch is imported lazily: without it, the explorer figures are still measured and the
torch-route figures and ratios are reported as missing. The exit status is 0 when the
measurements ran (whether or not a target is met) and 1 when a correctness check failed.
Formula caches live in a temporary folder that is removed at the end; the user's own
explorer cache is never touched.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common as common
import numpy as np
from _common import CheckFailedError, Timing, check

import explorer

# -- what is measured -----------------------------------------------------------------------
TARGET_PROCESS_RATIO = 3.0  # cached explorer process / bare python (at most)
TARGET_WARM_SPEEDUP = 400.0  # torch route per design / explorer.count (at least)
MIN_SAMPLE_S = 0.1  # a warm sample: passes over the designs until this much CPU
TARGET_VECTOR_RATIO = 0.8  # evaluate_many rate / hand-written numpy rate (at least)
TARGET_VECTOR_MEMORY = 1.2  # peak memory during evaluate_many / result bytes (at most)
TARGET_FIRST_S = {1000: 0.2, 10000: 2.0}  # first per-layer count, seconds (under)
TARGET_LINEAR = 2.0  # warm time per layer at 10,000 layers / at 1,000 (at most)

CLI_DESIGN = {"input": 39, "cells": 1024, "layers": 3, "output": 34}
CLI_ARGS = (
    *("count", "lstm", "--input", "39", "--cells", "1024"),
    *("--layers", "3", "--output", "34", "--json"),
)
TORCH_SNIPPET = """\
import torch
from torch import nn
lstm = nn.LSTM(39, 1024, 3, device="meta")
head = nn.Linear(1024, 34, device="meta")
print(sum(p.numel() for module in (lstm, head) for p in module.parameters()))
"""
TORCH_PROBE = "import torch; print(torch.__version__)"
FIRST_COUNT_SNIPPET = """\
import json, sys, time
cells = json.load(sys.stdin)
wall, cpu = time.perf_counter(), time.process_time()
import explorer
total = explorer.count("lstm", input=39, cells=cells, output=34).total
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"total": total, "wall": wall, "cpu": cpu}))
"""
SEED = 20240611
BLOCK = 1 << 15  # the hand-written evaluation's block


@dataclass(frozen=True)
class Settings:
    """How much to repeat: the full run (the defaults), or ``--quick``."""

    name: str = "full"
    process_runs: int = 15
    designs: int = 500
    warm_rounds: int = 5
    vector_designs: int = 10_000_000
    vector_rounds: int = 15  # a round takes about 0.2 s; one round varies by +-5% here
    first_runs: int = 5
    warm_layer_rounds: int = 15  # one call at 10,000 layers varies from 0.8 to 1.6 us a layer


FULL = Settings()
QUICK = Settings(
    "quick",
    process_runs=7,
    designs=200,
    warm_rounds=3,
    vector_designs=2_000_000,
    vector_rounds=7,
    first_runs=2,
    warm_layer_rounds=5,
)

Design = tuple[int, int, int, int]  # input, cells, layers, output


progress = common.progress_printer("bench_count")


# -- environment ----------------------------------------------------------------------------
def probe_torch() -> tuple[str | None, str | None]:
    """torch's version as a fresh process sees it, or the reason it cannot be imported."""
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


def lstm_total(n_i: int, cells: list[int], n_o: int) -> int:
    """An LSTM's count under the pytorch convention (two bias vectors, an output layer
    with a bias), summed here layer by layer: independent of explorer's formulas."""
    total, width = 0, n_i
    for n in cells:
        total += 4 * n * width + 4 * n * n + 8 * n
        width = n
    return total + n_o * width + n_o


# -- part 1: whole process ------------------------------------------------------------------
def _total_of(stdout: str) -> int:
    data = json.loads(stdout)
    check(isinstance(data.get("total"), int), f"explorer --json gave no integer total: {data}")
    return int(data["total"])


class ProcessBench:
    """The fresh-process commands of part 1."""

    def __init__(self, scratch: Path, torch_ok: bool) -> None:
        self.command = common.console_command("explorer", ("explorer",), CLI_ARGS)
        self.bare = [sys.executable, "-c", "pass"]
        self.torch_command = [sys.executable, "-c", TORCH_SNIPPET] if torch_ok else None
        self.env = common.bytecode_environ(common.cache_enabled_environ(), scratch)
        self.scratch = scratch
        self.primed_env = {**self.env, "EXPLORER_CACHE_DIR": str(scratch / "primed")}
        self.no_bytecode_env = {
            k: v for k, v in self.primed_env.items() if k != "PYTHONPYCACHEPREFIX"
        }
        self.no_bytecode_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.fresh_dirs = 0
        self.expected = lstm_total(39, [1024] * 3, 34)

    def _fresh_env(self) -> dict[str, str]:
        folder = self.scratch / f"fresh-{self.fresh_dirs}"
        self.fresh_dirs += 1
        folder.mkdir()
        return {**self.env, "EXPLORER_CACHE_DIR": str(folder)}

    def bare_python(self) -> Timing:
        """``python -c pass``."""
        return common.run_measured(self.bare, self.env)[0]

    def first_run(self) -> Timing:
        """explorer with a fresh, empty cache dir: imports sympy and derives the formula."""
        elapsed, stdout, _ = common.run_measured(self.command, self._fresh_env())
        check(_total_of(stdout) == self.expected, "explorer CLI total (first run) is wrong")
        return elapsed

    def cached(self) -> Timing:
        """explorer with the primed cache dir: the steady state."""
        elapsed, stdout, _ = common.run_measured(self.command, self.primed_env)
        check(_total_of(stdout) == self.expected, "explorer CLI total (cached) is wrong")
        return elapsed

    def cached_no_bytecode(self) -> Timing:
        """The same, every module compiled from source (as this sandbox runs Python)."""
        elapsed, stdout, _ = common.run_measured(self.command, self.no_bytecode_env)
        check(_total_of(stdout) == self.expected, "explorer CLI total (no bytecode) is wrong")
        return elapsed

    def torch_route(self) -> Timing:
        """A fresh python that imports torch and builds the model on the meta device."""
        assert self.torch_command is not None
        elapsed, stdout, _ = common.run_measured(self.torch_command, self.env)
        check(int(stdout.strip()) == self.expected, "torch meta total is wrong")
        return elapsed


def bench_process(settings: Settings, scratch: Path, torch_ok: bool) -> dict[str, Any]:
    """Part 1: fresh processes, alternating (order rotating every round), medians."""
    bench = ProcessBench(scratch, torch_ok)
    variants: dict[str, Callable[[], Timing]] = {
        "bare_python": bench.bare_python,
        "explorer_cached": bench.cached,
        "explorer_first_run": bench.first_run,
        "explorer_cached_no_bytecode": bench.cached_no_bytecode,
    }
    if torch_ok:
        variants["torch_meta"] = bench.torch_route
    for run in variants.values():  # warm-up: fills the caches and the page cache
        run()
    times = common.alternate(variants, settings.process_runs)
    median = {name: common.medians(values) for name, values in times.items()}
    bare = median["bare_python"]
    return {
        "explorer_command": bench.command,
        "torch_command": bench.torch_command,
        "total": bench.expected,
        "variants": {name: common.summarise(values) for name, values in times.items()},
        "ratio_cached_to_bare": median["explorer_cached"].cpu / bare.cpu,
        "ratio_cached_to_bare_wall": median["explorer_cached"].wall / bare.wall,
        "speedup_torch_to_cached": median["torch_meta"].wall / median["explorer_cached"].wall
        if torch_ok
        else None,
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
    """The torch route for one design, as users write it (imports torch on first use)."""
    from torch import nn  # lazily: the script runs without torch

    def torch_total(n_i: int, n_c: int, layers: int, n_o: int) -> int:
        lstm = nn.LSTM(n_i, n_c, layers, device="meta")
        head = nn.Linear(n_c, n_o, device="meta")
        return sum(p.numel() for module in (lstm, head) for p in module.parameters())

    return torch_total


def bench_warm(settings: Settings, torch_ok: bool) -> dict[str, Any]:
    """Part 2: the same designs through both routes, in one warm process, alternating."""
    designs = make_designs(settings.designs, SEED)
    n = len(designs)
    unseen = itertools.count(2_000_000)  # an output size no earlier call has counted

    def explorer_new(n_i: int, n_c: int, layers: int, n_o: int) -> int:
        return explorer_total(n_i, n_c, layers, next(unseen))

    routes: dict[str, Callable[[int, int, int, int], int]] = {"explorer_count": explorer_total}
    if torch_ok:
        routes["torch_meta"] = make_torch_total()
    totals = {name: [route(*d) for d in designs] for name, route in routes.items()}  # warm-up
    for d, total in zip(designs, totals["explorer_count"]):
        check(total == lstm_total(d[0], [d[1]] * d[2], d[3]), f"explorer.count is wrong at {d}")
    if torch_ok:
        check(totals["torch_meta"] == totals["explorer_count"], "explorer and torch disagree")

    def passing(route: Callable[[int, int, int, int], int]) -> Callable[[], Timing]:
        """One sample: whole passes over the designs until it has taken at least
        :data:`MIN_SAMPLE_S` of CPU (one pass of the torch route; many of explorer's, so a
        sample is not a few milliseconds just after the other route has run)."""

        def run() -> Timing:
            elapsed = common.stopwatch()
            passes = 0
            while True:
                for d in designs:
                    route(*d)
                passes += 1
                taken = elapsed()
                if taken.cpu >= MIN_SAMPLE_S:
                    return taken.per(n * passes)

        return run

    timed = {k: passing(r) for k, r in routes.items()}
    timed["explorer_new"] = passing(explorer_new)
    times = common.alternate(timed, settings.warm_rounds)
    per = {k: common.medians(v) for k, v in times.items()}
    return {
        "designs": n,
        "seed": SEED,
        "per_design": {k: common.summarise(v) for k, v in times.items()},
        "totals_identical": torch_ok or None,
        "speedup": per["torch_meta"].cpu / per["explorer_count"].cpu if torch_ok else None,
        "speedup_wall": per["torch_meta"].wall / per["explorer_count"].wall if torch_ok else None,
        "speedup_new": per["torch_meta"].cpu / per["explorer_new"].cpu if torch_ok else None,
    }


# -- part 3: many designs at once -----------------------------------------------------------
def hand_written(
    i: np.ndarray[Any, Any],
    c: np.ndarray[Any, Any],
    depth: np.ndarray[Any, Any],
    o: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """The LSTM count (pytorch convention, output layer) written by hand, factored:
    ``c (8 L (c + 1) - 4 c + 4 i + o) + o``, in blocks, every operation in place."""
    out = np.empty(i.shape, dtype=np.int64)
    t = np.empty(BLOCK, dtype=np.int64)
    u = np.empty(BLOCK, dtype=np.int64)
    for start in range(0, i.size, BLOCK):
        stop = min(start + BLOCK, i.size)
        k = stop - start
        ii, cc, ll, oo, r = (
            i[start:stop],
            c[start:stop],
            depth[start:stop],
            o[start:stop],
            out[start:stop],
        )
        tt, uu = t[:k], u[:k]
        np.add(cc, 1, out=tt)
        np.multiply(tt, ll, out=tt)
        np.multiply(tt, 8, out=tt)
        np.subtract(ii, cc, out=uu)
        np.multiply(uu, 4, out=uu)
        np.add(tt, uu, out=tt)
        np.add(tt, oo, out=tt)
        np.multiply(tt, cc, out=r)
        np.add(r, oo, out=r)
    return out


def _peak(call: Callable[[], np.ndarray[Any, Any]]) -> tuple[int, np.ndarray[Any, Any]]:
    """Peak memory traced while ``call`` runs (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def bench_vector(settings: Settings) -> dict[str, Any]:
    """Part 3: evaluate_many against the hand-written evaluation, random inputs."""
    n = settings.vector_designs
    rng = np.random.default_rng(SEED)
    i = rng.integers(1, 1025, n, dtype=np.int64)
    c = rng.integers(1, 4097, n, dtype=np.int64)
    depth = rng.integers(1, 9, n, dtype=np.int64)
    o = rng.integers(1, 1025, n, dtype=np.int64)
    symbolic = explorer.formula("lstm", convention="pytorch", output=True)

    def ours() -> np.ndarray[Any, Any]:
        return symbolic.evaluate_many(input=i, cells=c, layers=depth, output=o)

    def theirs() -> np.ndarray[Any, Any]:
        return hand_written(i, c, depth, o)

    got, want = ours(), theirs()  # warm-up, and the answers compared
    check(got.dtype == np.int64, f"evaluate_many returned {got.dtype}, not int64")
    check(bool(np.array_equal(got, want)), "evaluate_many and the hand-written code disagree")
    picks = random.Random(SEED).sample(range(n), 24)
    for k in picks:
        exact = explorer_total(int(i[k]), int(c[k]), int(depth[k]), int(o[k]))
        check(int(got[k]) == exact, f"evaluate_many at design {k}: {got[k]} != count() {exact}")
    del got, want

    def timed(call: Callable[[], np.ndarray[Any, Any]]) -> Callable[[], Timing]:
        def run() -> Timing:
            elapsed = common.stopwatch()
            call()
            return elapsed()

        return run

    times = common.alternate(
        {"evaluate_many": timed(ours), "hand_written": timed(theirs)}, settings.vector_rounds
    )
    result_bytes = n * 8
    peak_ours, _ = _peak(ours)
    peak_theirs, _ = _peak(theirs)
    median = {k: common.medians(v) for k, v in times.items()}
    return {
        "designs": n,
        "inputs": "random int64: input 1..1024, cells 1..4096, layers 1..8, output 1..1024",
        "times": {k: common.summarise(v) for k, v in times.items()},
        "designs_per_s": {k: n / v.cpu for k, v in median.items()},
        "rate_ratio": median["hand_written"].cpu / median["evaluate_many"].cpu,
        "rate_ratio_wall": median["hand_written"].wall / median["evaluate_many"].wall,
        "result_bytes": result_bytes,
        "peak_bytes": {"evaluate_many": peak_ours, "hand_written": peak_theirs},
        "memory_ratio": peak_ours / result_bytes,
        "spot_checks": len(picks),
    }


# -- part 4: per-layer sizes ----------------------------------------------------------------
def _cells(layers: int, seed: int) -> list[int]:
    rng = random.Random(seed + layers)
    return [rng.randint(1, 4096) for _ in range(layers)]


def bench_layers(settings: Settings, scratch: Path) -> dict[str, Any]:
    """Part 4: the first per-layer count in a fresh process, warm calls, a huge depth."""
    env = common.bytecode_environ(common.cache_enabled_environ(), scratch)
    runs = [0]

    def first(layers: int) -> Callable[[], Timing]:
        cells = _cells(layers, SEED)
        expected = lstm_total(39, cells, 34)

        def run() -> Timing:
            folder = scratch / f"layers-{runs[0]}"
            runs[0] += 1
            folder.mkdir()
            _, stdout, _ = common.run_measured(
                [sys.executable, "-c", FIRST_COUNT_SNIPPET],
                {**env, "EXPLORER_CACHE_DIR": str(folder)},
                stdin=json.dumps(cells),
                failure=CheckFailedError,
            )
            answer = json.loads(stdout)
            check(answer["total"] == expected, f"per-layer count at {layers} layers is wrong")
            return Timing(answer["wall"], answer["cpu"])

        return run

    variants = {f"first_{n}": first(n) for n in TARGET_FIRST_S}
    for run in variants.values():  # warm-up: the page cache and the bytecode cache
        run()
    times = common.alternate(variants, settings.first_runs)
    firsts = {int(k.split("_")[1]): common.medians(v) for k, v in times.items()}

    def warm_call(layers: int) -> Callable[[], Timing]:
        cells = _cells(layers, SEED + 1)
        check(
            explorer.count("lstm", input=39, cells=cells, output=34).total
            == lstm_total(39, cells, 34),
            f"per-layer count at {layers} layers is wrong",
        )

        def run() -> Timing:
            elapsed = common.stopwatch()
            explorer.count("lstm", input=39, cells=cells, output=34).total  # noqa: B018
            return elapsed()

        return run

    warm_times = common.alternate(
        {layers: warm_call(layers) for layers in (10, 100, 1000, 10000)},
        settings.warm_layer_rounds,
    )
    warm = {layers: common.medians(samples) for layers, samples in warm_times.items()}

    depth = 10**12
    elapsed = common.stopwatch()
    deep = explorer.count("lstm", input=39, cells=1024, layers=depth, output=34).total
    deep_first = elapsed()
    expected = 4 * 1024 * (39 + 1024) + 8 * 1024 + (depth - 1) * (8 * 1024**2 + 8 * 1024)
    check(deep == expected + 34 * 1024 + 34, "the count at 10^12 layers is wrong")
    elapsed = common.stopwatch()
    explorer.count("lstm", input=39, cells=1024, layers=depth, output=34).total  # noqa: B018
    deep_warm = elapsed()
    return {
        "first_count_cpu_s": {k: v.cpu for k, v in firsts.items()},
        "first_count_wall_s": {k: v.wall for k, v in firsts.items()},
        "first_times": {k: common.summarise(v) for k, v in times.items()},
        "warm_cpu_s": {k: v.cpu for k, v in warm.items()},
        "warm_wall_s": {k: v.wall for k, v in warm.items()},
        "linear_ratio": (warm[10000].cpu / 10000) / (warm[1000].cpu / 1000),
        "deep_layers": depth,
        "deep_total": deep,
        "deep_first_s": deep_first.wall,
        "deep_warm_s": deep_warm.wall,
    }


# -- report ---------------------------------------------------------------------------------
def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f} ms"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} us"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}x"


def _target(
    name: str, measured: float | None, needed: float, unit: str, at_most: bool
) -> dict[str, Any]:
    met = None if measured is None else (measured <= needed if at_most else measured >= needed)
    return {
        "target": name,
        "measured": measured,
        "needed": needed,
        "unit": unit,
        "at_most": at_most,
        "met": met,
    }


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, measured value against needed value."""
    process, warm, vector, layers = (
        report["process"],
        report["warm"],
        report["vector"],
        report["layers"],
    )
    rows = [
        _target(
            "whole process: cached explorer / bare python",
            process["ratio_cached_to_bare"],
            TARGET_PROCESS_RATIO,
            "x",
            True,
        ),
        _target(
            "warm: torch meta / explorer.count(...).total",
            warm["speedup"],
            TARGET_WARM_SPEEDUP,
            "x",
            False,
        ),
        _target(
            "evaluate_many rate / hand-written numpy rate",
            vector["rate_ratio"],
            TARGET_VECTOR_RATIO,
            "x",
            False,
        ),
        _target(
            "evaluate_many peak memory / result",
            vector["memory_ratio"],
            TARGET_VECTOR_MEMORY,
            "x",
            True,
        ),
    ]
    for n, needed in TARGET_FIRST_S.items():
        rows.append(
            _target(
                f"first per-layer count, {n:,} layers",
                layers["first_count_cpu_s"][n],
                needed,
                "s",
                True,
            )
        )
    rows.append(
        _target(
            "warm per layer at 10,000 / at 1,000 layers",
            layers["linear_ratio"],
            TARGET_LINEAR,
            "x",
            True,
        )
    )
    return rows


def _render_process(process: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    labels = {
        "bare_python": "python -c pass",
        "explorer_cached": "explorer count, cached",
        "explorer_first_run": "explorer count, empty cache",
        "explorer_cached_no_bytecode": "explorer count, cached, no .pyc",
        "torch_meta": "torch meta (python -c)",
    }
    bare = process["variants"]["bare_python"]["median_cpu_s"]
    lines = [
        "1. Whole process: explorer " + " ".join(CLI_ARGS),
        f"   {settings['process_runs']} runs each, alternating, after a warm-up run each; "
        "bytecode cache on unless said",
        f"   {'variant':<34}{'median wall':>12}{'median CPU':>12}{'CPU / bare':>12}",
    ]
    for name, stats in process["variants"].items():
        lines.append(
            f"   {labels[name]:<34}{_ms(stats['median_wall_s']):>12}"
            f"{_ms(stats['median_cpu_s']):>12}{_ratio(stats['median_cpu_s'] / bare):>12}"
        )
    lines.append(
        f"   cached explorer / bare python: {_ratio(process['ratio_cached_to_bare'])} CPU, "
        f"{_ratio(process['ratio_cached_to_bare_wall'])} wall; torch meta / cached explorer: "
        f"{_ratio(process['speedup_torch_to_cached'])} wall; totals {process['total']:,}"
    )
    return lines


def _render_warm(warm: dict[str, Any]) -> list[str]:
    per = warm["per_design"]
    lines = [
        f"2. Warm, per design: {warm['designs']} distinct seeded designs, one warm-up pass, "
        "passes alternating, median",
        f"   {'route':<52}{'wall':>12}{'CPU':>12}",
    ]
    for name, label in (
        ("explorer_count", "explorer.count(...).total"),
        ("explorer_new", "explorer.count(...).total, a design never counted"),
        ("torch_meta", "nn.LSTM(..., device='meta') + nn.Linear, sum numel"),
    ):
        stats = per.get(name)
        if stats is None:
            lines.append(f"   {label:<52}{'n/a':>12}{'n/a':>12}")
        else:
            lines.append(
                f"   {label:<52}{_us(stats['median_wall_s']):>12}{_us(stats['median_cpu_s']):>12}"
            )
    lines.append(
        f"   torch / explorer: {_ratio(warm['speedup'])} CPU, {_ratio(warm['speedup_wall'])} "
        f"wall; totals identical; a design never counted before: {_ratio(warm['speedup_new'])} "
        "CPU (parsed, no remembered request)"
    )
    return lines


def _render_vector(vector: dict[str, Any]) -> list[str]:
    rate, times = vector["designs_per_s"], vector["times"]
    mib = 1 << 20
    rows = (("evaluate_many", "evaluate_many"), ("hand_written", "hand-written"))
    return [
        f"3. Many designs: {vector['designs']:,} random designs ({vector['inputs']})",
        f"   {'route':<17}{'median wall':>12}{'median CPU':>12}{'rate (CPU)':>22}"
        f"{'peak memory':>14}",
        *(
            f"   {label:<17}{_ms(times[key]['median_wall_s']):>12}"
            f"{_ms(times[key]['median_cpu_s']):>12}{rate[key] / 1e6:>12.1f}M designs/s"
            f"{vector['peak_bytes'][key] / mib:>10.1f} MiB"
            for key, label in rows
        ),
        f"   evaluate_many / hand-written rate: {_ratio(vector['rate_ratio'])} CPU, "
        f"{_ratio(vector['rate_ratio_wall'])} wall; peak memory / result "
        f"({vector['result_bytes'] / mib:.1f} MiB): {_ratio(vector['memory_ratio'])}",
        f"   results identical element by element; {vector['spot_checks']} spot checks "
        "against count()",
    ]


def _render_layers(layers: dict[str, Any]) -> list[str]:
    lines = [
        "4. Per-layer sizes (one random size per layer), lstm, pytorch convention",
        f"   {'':<52}{'wall':>12}{'CPU':>12}",
    ]
    for n, seconds in layers["first_count_cpu_s"].items():
        label = f"first count in a fresh process, {int(n):,} layers"
        lines.append(f"   {label:<52}{_ms(layers['first_count_wall_s'][n]):>12}{_ms(seconds):>12}")
    for n, seconds in layers["warm_cpu_s"].items():
        label = f"warm, {int(n):,} layers ({seconds / int(n) * 1e6:.2f} us CPU per layer)"
        lines.append(f"   {label:<52}{_ms(layers['warm_wall_s'][n]):>12}{_ms(seconds):>12}")
    lines.append(
        f"   CPU per layer at 10,000 / at 1,000 layers: {_ratio(layers['linear_ratio'])}; "
        "every total equal to the sum computed layer by layer"
    )
    lines.append(
        f"   uniform depth 10^12: {layers['deep_total']:,} parameters, first "
        f"{_us(layers['deep_first_s'])}, warm {_us(layers['deep_warm_s'])} wall (closed form)"
    )
    return lines


def _render_targets(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "Targets (ratios from CPU time)",
        f"   {'target':<50}{'measured':>12}{'needed':>12}  met",
    ]
    for row in rows:
        sign = "<=" if row["at_most"] else ">="
        if row["unit"] == "s":
            measured, needed = f"{row['measured']:.3f} s", f"< {row['needed']:g} s"
        else:
            measured, needed = _ratio(row["measured"]), f"{sign} {row['needed']:g}x"
        met = "n/a" if row["met"] is None else ("yes" if row["met"] else "NO")
        lines.append(f"   {row['target']:<50}{measured:>12}{needed:>12}  {met}")
    return lines


def render(report: dict[str, Any]) -> str:
    """The human-readable table."""
    env, settings = report["environment"], report["settings"]
    torch_text = env["torch"] or f"MISSING ({env['torch_missing_reason']})"
    sections = [
        common.environment_lines(
            "explorer vs the torch route (meta device): counting benchmark",
            {**env, "torch": torch_text},
            ("torch", "numpy", "sympy", "explorer"),
            settings["name"],
        ),
        _render_process(report["process"], settings),
        _render_warm(report["warm"]),
        _render_vector(report["vector"]),
        _render_layers(report["layers"]),
        _render_targets(report["targets"]),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def measure(settings: Settings) -> dict[str, Any]:
    """Run every part and check the targets: the report."""
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
        progress(f"part 3: {settings.vector_designs:,} random designs at once")
        report["vector"] = bench_vector(settings)
        progress("part 4: per-layer sizes")
        report["layers"] = bench_layers(settings, scratch)
    report["targets"] = targets(report)
    verdicts = [row["met"] for row in report["targets"]]
    report["all_targets_met"] = None if None in verdicts else all(verdicts)
    return report


main = common.make_main(
    "bench_count", __doc__, "fewer repetitions and designs", (FULL, QUICK), measure, render=render
)


if __name__ == "__main__":
    sys.exit(main())
