"""Benchmark: explorer's inverse solver against brute force and Optuna, side by side in one run.

The question is "which integer size puts this design nearest a parameter budget?". For
budgets 10^4, 10^6, 10^8, 10^10 and 10^12 and three designs (an LSTM under the pytorch
convention, 3 layers, input 39, output 34, free ``cells``; a 1-layer GRU under keras,
free ``cells``; an LSTMP under sak2014 with ``cells=1024`` fixed, free ``proj``) this
script measures, in one process:

1. The solver, warm. ``explorer.solve(family, budget=B, convention=..., free=...,
   mode="nearest", **fixed)`` after one untimed warm-up call; the median of many timed
   calls, and ``Solution.evaluations`` (exact counts the solver evaluated).
   Target: under 1 ms per solve.
2. Brute force over the free size: the exact count of every integer 1, 2, ... up to the
   first size whose count exceeds the budget (the "range end"), keeping the nearest
   (ties to the smaller size). Two variants: (a) the honest scan, a Python loop over
   ``Count.evaluate(size=x)``; where the range is longer than a cap, the loop is timed on
   a prefix of the range and its time extrapolated linearly (marked ``~`` in the table);
   (b) a stronger, vectorised baseline, ``Count.evaluate_many`` over the whole range
   1..end in chunks of 2^22 (it is handed the range end, so it is a lower bound on any
   vectorised scan). Target: the solver >= 100x faster than brute force for budgets of
   10^8 and up, reported against each variant.
3. A plain Optuna search: TPE (``seed=0, multivariate=False, constant_liar=False``),
   ``trial.suggest_int(size, 1, end)`` minimising ``|count - budget|``, stopped as soon
   as a trial proposes the brute force's answer, or after a cap of trials: trials and time
   to reach it, or "not reached" with its best gap.
4. Cold start of the ``solve`` command as a whole process, ``solve --budget 6.5e6
   --layers 3 --json``: primed formula cache vs an empty one, alternating, medians; and,
   from ``python -X importtime``, which heavy modules (numpy, sympy, scipy, optuna, torch)
   such a run imports. No target: reported only.

5. Against what users write when there is no solver, and against the floor. For budgets
   10^4, 10^5, ..., 10^15 and the three designs above plus a tied one (T: an LSTM under
   pytorch, 3 layers, ``ties={"proj": "cells/4"}``): ``explorer.solve`` warm; a bisection
   over ``explorer.count(...).total`` (an exponential search for a size over the budget,
   then bisection, each count through the public API, the tie applied by hand, nearest of
   the two sizes at the end); and, for the closed-form cases, the floor of any solve: the
   exact root by ``math.isqrt`` plus two evaluations of the compiled count. The routes run
   alternately, after a warm-up, and their answers must agree. Ratios from CPU time.
   Targets: the tied solve faster than the bisection at every budget; a closed-form solve
   at most 10x its floor.

Correctness: for every case the solver's answer must equal the brute-force nearest
(same size, same total; ties to the smaller size); where even size 1 is over the budget
the solver must either return size 1 or refuse with ``BudgetError``. The exit status is
1 when a check fails, else 0 (whether or not a target is met).

Run it from the project root with the project's interpreter::

    python benchmarks/bench_solve.py            # full run, under ~3 minutes
    python benchmarks/bench_solve.py --quick    # smaller caps and repeats, under ~45 s
    python benchmarks/bench_solve.py --json     # one JSON object with every figure

Formula caches live in a temporary folder that is removed at the end; the user's own
explorer cache is never touched.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _common as common
import numpy as np
from _common import CheckFailedError, check

import explorer
from explorer.errors import BudgetError
from explorer.solver import quadratic_floor_root

# -- what is measured -----------------------------------------------------------------------
TARGET_SOLVE_S = 1e-3  # warm median time per solve
TARGET_SPEEDUP = 100.0  # brute-force time / solver time, for budgets >= TARGET_FROM_BUDGET
TARGET_FROM_BUDGET = 10**8
TARGET_FLOOR_RATIO = 10.0  # closed-form solve / (isqrt + two evaluations), at most
ALL_BUDGETS = tuple(10**k for k in range(4, 16))

BUDGETS = (10**4, 10**6, 10**8, 10**10, 10**12)
CHUNK = 1 << 22  # evaluate_many chunk: bounded memory for the 4e7-long ranges
REFERENCE_LIMIT = 10**9  # the reference scan gives up beyond this size (never reached here)

CLI_ARGS = ("--budget", "6.5e6", "--layers", "3", "--json")
IMPORTTIME_SNIPPET = (
    "import sys; sys.argv=['solve','--budget','6.5e6','--layers','3','--json']; "
    "from explorer.cli import solve_main; solve_main()"
)
HEAVY_MODULES = ("numpy", "sympy", "scipy", "optuna", "torch")


@dataclass(frozen=True)
class Case:
    """One design with one free size."""

    key: str
    family: str
    convention: str
    fixed: dict[str, Any]
    free: str
    note: str = ""
    #: a size tied to the free one, ``(name, divisor)``: ``proj = cells // 4``
    tie: tuple[str, int] | None = None

    def describe(self) -> str:
        sizes = ", ".join(f"{k} {v}" for k, v in self.fixed.items())
        tied = f", {self.tie[0]} = {self.free}/{self.tie[1]}" if self.tie else ""
        return f"{self.family} {self.convention}: {sizes}; free {self.free}{tied}"

    @property
    def ties(self) -> dict[str, str] | None:
        """The tie as ``explorer.solve`` takes it."""
        return {self.tie[0]: f"{self.free}/{self.tie[1]}"} if self.tie else None

    @property
    def lowest(self) -> int:
        """The smallest free size the design allows (a tied size must be at least 1)."""
        return self.tie[1] if self.tie else 1


CASES = (
    Case("A", "lstm", "pytorch", {"input": 39, "output": 34, "layers": 3}, "cells"),
    Case("B", "gru", "keras", {"input": 39, "output": 34, "layers": 1}, "cells"),
    Case(
        "C",
        "lstmp",
        "sak2014",
        {"input": 39, "output": 34, "layers": 3, "cells": 1024},
        "proj",
        note="sak2014, not pytorch: PyTorch requires proj < cells, which caps a 1024-cell "
        "LSTMP near 2.4e7 parameters",
    ),
)
TIED = Case(
    "T",
    "lstm",
    "pytorch",
    {"input": 39, "output": 34, "layers": 3},
    "cells",
    tie=("proj", 4),
    note="only in part 5: a tie has no closed form, and brute force over one size does not apply",
)


@dataclass(frozen=True)
class Settings:
    """How much to repeat: the full run, or ``--quick``."""

    name: str
    solver_calls: int  # timed solve calls per case (after one warm-up)
    loop_cap: int  # longest Python-loop scan run in full; longer ones are extrapolated
    repeat_seconds: float  # short scans repeat until this much time is spent (median kept)
    max_repeats: int
    optuna_trials: int
    process_runs: int
    compare_rounds: int  # part 5: rounds of alternating solver, bisection and floor
    budgets: tuple[int, ...] = field(default=BUDGETS)


FULL = Settings(
    "full",
    solver_calls=501,
    loop_cap=1_000_000,
    repeat_seconds=0.05,
    max_repeats=201,
    optuna_trials=300,
    process_runs=5,
    compare_rounds=9,
)
QUICK = Settings(
    "quick",
    solver_calls=101,
    loop_cap=200_000,
    repeat_seconds=0.02,
    max_repeats=51,
    optuna_trials=100,
    process_runs=5,
    compare_rounds=3,
)


progress = common.progress_printer("bench_solve")


# -- environment ----------------------------------------------------------------------------
def environment() -> dict[str, Any]:
    """Interpreter, library versions and CPUs."""
    return common.base_environment(
        {
            "numpy": np.__version__,
            "sympy": common.version("sympy"),
            "scipy": common.version("scipy"),
            "optuna": common.version("optuna"),
            "explorer": explorer.__version__,
        }
    )


# -- timing helpers -------------------------------------------------------------------------
def repeat_timed(run: Callable[[], object], settings: Settings) -> list[float]:
    """Run ``run`` until ``repeat_seconds`` are spent (at least once, at most max_repeats)."""
    times: list[float] = []
    while len(times) < settings.max_repeats and sum(times) < settings.repeat_seconds:
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


@dataclass
class Nearest:
    """The nearest size found so far (ties to the smaller size) and where the scan ended."""

    budget: int
    value: int = 0
    total: int = 0
    gap: int | None = None
    end: int | None = None  # first size whose count exceeds the budget

    def offer(self, value: int, total: int) -> None:
        gap = abs(total - self.budget)
        if self.gap is None or gap < self.gap:  # strict: on a tie the smaller size stays
            self.value, self.total, self.gap = value, total, gap


def vector_scan(count: Any, free: str, budget: int, end: int | None) -> Nearest:
    """Brute force with ``evaluate_many``.

    With ``end`` unknown (the reference scan), chunks grow from 4096 to ``CHUNK`` until a
    count exceeds the budget; with ``end`` known (the timed baseline), exactly 1..end is
    evaluated, in chunks of ``CHUNK``.
    """
    best = Nearest(budget)
    start, chunk = 1, (CHUNK if end is not None else 4096)
    while best.end is None:
        stop = start + chunk if end is None else min(start + chunk, end + 1)
        check(stop <= REFERENCE_LIMIT, f"no {free} up to {REFERENCE_LIMIT} exceeds {budget}")
        sizes = np.arange(start, stop, dtype=np.int64)
        totals = count.evaluate_many(**{free: sizes})
        check(totals.dtype == np.int64, f"evaluate_many returned {totals.dtype}, not int64")
        over = np.flatnonzero(totals > budget)
        upto = int(over[0]) + 1 if over.size else totals.size
        gaps = np.abs(totals[:upto] - budget)
        at = int(np.argmin(gaps))  # argmin keeps the first (smaller size) on ties
        best.offer(start + at, int(totals[at]))
        if over.size:
            best.end = start + int(over[0])
        elif end is not None and stop > end:
            raise CheckFailedError(f"evaluate_many: no {free} in 1..{end} exceeds {budget}")
        start = stop
        chunk = min(chunk * 2, CHUNK)
    return best


def loop_scan(count: Any, free: str, budget: int, limit: int) -> Nearest:
    """The honest brute force: ``Count.evaluate`` for 1, 2, ... in a Python loop.

    Stops at the first size whose count exceeds the budget, or after ``limit`` sizes
    (``end`` then stays ``None``: the scan is a prefix).
    """
    best = Nearest(budget)
    keywords = {free: 0}
    for value in range(1, limit + 1):
        keywords[free] = value
        total = count.evaluate(**keywords)
        best.offer(value, total)
        if total > budget:
            best.end = value
            break
    return best


# -- one case, one budget -------------------------------------------------------------------
def solve_once(case: Case, budget: int) -> Any:
    """The solver, through the public API."""
    return explorer.solve(
        case.family,
        budget=budget,
        convention=case.convention,
        free=case.free,
        mode="nearest",
        ties=case.ties,
        **case.fixed,
    )


def bench_solver(case: Case, budget: int, settings: Settings) -> tuple[Any, dict[str, Any]]:
    """Part 1: one warm-up call, then ``solver_calls`` individually timed calls."""
    solution = solve_once(case, budget)
    times = []
    for _ in range(settings.solver_calls):
        start = time.perf_counter()
        again = solve_once(case, budget)
        times.append(time.perf_counter() - start)
        check(again.total == solution.total, "the solver changed its answer between calls")
    return solution, {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "calls": len(times),
        "evaluations": solution.evaluations,
        "method": solution.method,
        "value": solution.sizes[case.free],
        "total": solution.total,
        "relative_error": solution.relative_error,
        "below": None if solution.below is None else [solution.below.value, solution.below.total],
        "above": None if solution.above is None else [solution.above.value, solution.above.total],
    }


def bench_loop(
    count: Any, case: Case, budget: int, reference: Nearest, settings: Settings
) -> dict[str, Any]:
    """Part 2a: the Python-loop scan, whole range or a timed prefix extrapolated."""
    assert reference.end is not None
    end = reference.end
    if end <= settings.loop_cap:
        found: list[Nearest] = []
        times = repeat_timed(
            lambda: found.append(loop_scan(count, case.free, budget, end)), settings
        )
        got = found[-1]
        check(
            (got.end, got.value, got.total) == (reference.end, reference.value, reference.total),
            f"{case.key} {budget:.0e}: Python-loop scan {(got.end, got.value, got.total)} "
            f"!= evaluate_many scan {(reference.end, reference.value, reference.total)}",
        )
        return {
            "time_s": statistics.median(times),
            "evaluations": end,
            "extrapolated": False,
            "timed_evaluations": end,
            "repeats": len(times),
        }
    prefix = settings.loop_cap
    start = time.perf_counter()
    partial = loop_scan(count, case.free, budget, prefix)
    elapsed = time.perf_counter() - start
    check(partial.end is None, f"{case.key}: prefix scan ended early at {partial.end}")
    return {
        "time_s": elapsed * end / prefix,
        "evaluations": end,
        "extrapolated": True,
        "timed_evaluations": prefix,
        "timed_prefix_s": elapsed,
        "repeats": 1,
    }


def bench_vector(
    count: Any, case: Case, budget: int, reference: Nearest, settings: Settings
) -> dict[str, Any]:
    """Part 2b: ``evaluate_many`` over the whole range 1..end (end handed over)."""
    found: list[Nearest] = []
    times = repeat_timed(
        lambda: found.append(vector_scan(count, case.free, budget, reference.end)), settings
    )
    got = found[-1]
    check(
        (got.end, got.value, got.total) == (reference.end, reference.value, reference.total),
        f"{case.key} {budget:.0e}: evaluate_many over 1..end disagrees with the reference scan",
    )
    return {"time_s": statistics.median(times), "evaluations": reference.end, "repeats": len(times)}


def bench_optuna(
    count: Any, case: Case, budget: int, reference: Nearest, settings: Settings
) -> dict[str, Any]:
    """Part 3: TPE over 1..end, until a trial proposes the brute force's answer."""
    import optuna

    assert reference.end is not None
    upper, target, free = reference.end, reference.value, case.free

    def objective(trial: Any) -> float:
        value = trial.suggest_int(free, 1, upper)
        return float(abs(count.evaluate(**{free: value}) - budget))

    def stop_when_found(study: Any, trial: Any) -> None:
        if trial.params.get(free) == target:
            study.stop()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        start = time.perf_counter()
        study = optuna.create_study(
            direction="minimize",
            sampler=optuna.samplers.TPESampler(seed=0, multivariate=False, constant_liar=False),
        )
        study.optimize(objective, n_trials=settings.optuna_trials, callbacks=[stop_when_found])
        elapsed = time.perf_counter() - start
    trials = study.trials
    reached = any(t.params.get(free) == target for t in trials)
    proposed = [int(t.params[free]) for t in trials]
    best_gap = int(study.best_value)
    return {
        "reached": reached,
        "trials": len(trials),
        "distinct_sizes": len(set(proposed)),
        "time_s": elapsed,
        "best_gap": best_gap,
        "best_value": int(study.best_params[free]),
        "optimum_gap": reference.gap,
        "cap": settings.optuna_trials,
    }


def _optuna_quiet() -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # One untimed study, so that the first timed one does not pay optuna's first-use costs.
    warm = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=0, multivariate=False, constant_liar=False),
    )
    warm.optimize(lambda trial: float(trial.suggest_int("x", 1, 100)), n_trials=12)


def bench_case(case: Case, budget: int, settings: Settings) -> dict[str, Any]:
    """Every route for one design and one budget; the solver checked against brute force."""
    smallest: dict[str, int] = {**case.fixed, case.free: 1}
    count = explorer.count(case.family, convention=case.convention, **smallest)
    row: dict[str, Any] = {"case": case.key, "budget": budget, "free": case.free}

    reference = vector_scan(count, case.free, budget, None)
    assert reference.end is not None
    row["brute_force"] = {
        "value": reference.value,
        "total": reference.total,
        "gap": reference.gap,
        "range_end": reference.end,
    }
    scalar_total = count.evaluate(**{case.free: reference.value})
    check(scalar_total == reference.total, "evaluate and evaluate_many disagree")

    if reference.end == 1:  # even size 1 is over the budget: nothing to scan or search
        try:
            solution = solve_once(case, budget)
        except BudgetError as error:
            row.update(status="refused", message=str(error))
            return row
        check(
            (solution.sizes[case.free], solution.total) == (reference.value, reference.total),
            f"{case.key} {budget:.0e}: solver answered {case.free}={solution.sizes[case.free]} "
            f"(total {solution.total}); brute force: {reference.value} ({reference.total})",
        )
        row["status"] = "below smallest, answered size 1"
        return row

    solution, row["solver"] = bench_solver(case, budget, settings)
    got = (solution.sizes[case.free], solution.total)
    check(
        got == (reference.value, reference.total),
        f"{case.key} ({case.describe()}) budget {budget:,}: solver answered "
        f"{case.free}={got[0]} (total {got[1]:,}); brute-force nearest is "
        f"{reference.value} (total {reference.total:,})",
    )
    check(solution.budget == budget, f"solution.budget {solution.budget} != {budget}")
    row["status"] = "ok"
    row["loop_scan"] = bench_loop(count, case, budget, reference, settings)
    row["numpy_scan"] = bench_vector(count, case, budget, reference, settings)
    row["optuna"] = bench_optuna(count, case, budget, reference, settings)
    solver_s = row["solver"]["median_s"]
    row["speedup_vs_loop"] = row["loop_scan"]["time_s"] / solver_s
    row["speedup_vs_numpy"] = row["numpy_scan"]["time_s"] / solver_s
    row["speedup_vs_optuna"] = row["optuna"]["time_s"] / solver_s
    return row


# -- part 4: cold start ---------------------------------------------------------------------
def solve_command() -> list[str]:
    """The ``solve`` console script next to the interpreter, else ``python -m explorer solve``."""
    return common.console_command("solve", ("explorer", "solve"), CLI_ARGS)


def run_checked(command: Sequence[str], env: dict[str, str]) -> tuple[float, str, str]:
    """Wall time of one fresh process, its stdout and stderr; a failed run fails the check."""
    return common.run_timed(command, env, failure=CheckFailedError)


def parse_importtime(stderr: str) -> dict[str, Any]:
    """What ``-X importtime`` shows: every module, and the heavy ones with their cost."""
    modules: list[tuple[str, int, int]] = []  # name, self us, cumulative us
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        modules.append((parts[2].strip(), int(parts[0]), int(parts[1])))
    heavy: dict[str, Any] = {}
    for root in HEAVY_MODULES:
        hits = [m for m in modules if m[0] == root or m[0].startswith(root + ".")]
        heavy[root] = {
            "imported": bool(hits),
            "modules": len(hits),
            "cumulative_ms": max((m[2] for m in hits), default=0) / 1e3,
        }
    return {
        "modules": len(modules),
        "total_self_ms": sum(m[1] for m in modules) / 1e3,
        "heavy": heavy,
    }


def bench_process(settings: Settings, scratch: Path) -> dict[str, Any]:
    """Part 4: fresh ``solve`` processes, primed vs empty cache, alternating; importtime."""
    command = solve_command()
    # the cache must be on for these measurements; bytecode cached, as installed packages run
    base = common.bytecode_environ(common.cache_enabled_environ(), scratch)
    primed_dir = scratch / "primed"
    primed_env = {**base, "EXPLORER_CACHE_DIR": str(primed_dir)}
    expected = explorer.solve("lstm", budget="6.5e6", layers=3, input=39, output=34)
    fresh_dirs = [0]

    def answer_ok(stdout: str, label: str) -> None:
        data = json.loads(stdout)
        check(
            data.get("sizes") == expected.sizes and data.get("total") == expected.total,
            f"solve CLI ({label}) answered {data.get('sizes')} / {data.get('total')}, "
            f"explorer.solve gives {expected.sizes} / {expected.total}",
        )
        check(data.get("budget") == 6_500_000, f"solve CLI budget is {data.get('budget')}")

    def fresh_env() -> dict[str, str]:
        folder = scratch / f"fresh-{fresh_dirs[0]}"
        fresh_dirs[0] += 1
        folder.mkdir()
        return {**base, "EXPLORER_CACHE_DIR": str(folder)}

    misses = [0]
    answer_ok(run_checked(command, primed_env)[1], "priming run")
    entries = [common.cache_entries(primed_dir)]
    check(bool(entries[0]), "the solve command wrote no cache entry while priming")
    answer_ok(run_checked(command, fresh_env())[1], "warm-up, empty cache")

    def primed() -> float:
        elapsed, stdout, _ = run_checked(command, primed_env)
        answer_ok(stdout, "primed cache")
        now = common.cache_entries(primed_dir)
        if now != entries[0]:  # a new entry: this run missed and derived
            misses[0] += 1
            entries[0] = now
        return elapsed

    def empty() -> float:
        elapsed, stdout, _ = run_checked(command, fresh_env())
        answer_ok(stdout, "empty cache")
        return elapsed

    variants: dict[str, Callable[[], float]] = {"primed_cache": primed, "empty_cache": empty}
    times = common.alternate(variants, settings.process_runs)

    importtime_command = [sys.executable, "-X", "importtime", "-c", IMPORTTIME_SNIPPET]
    _, stdout, stderr = run_checked(importtime_command, primed_env)
    answer_ok(stdout, "importtime, primed cache")
    imports_primed = parse_importtime(stderr)
    _, stdout, stderr = run_checked(importtime_command, fresh_env())
    answer_ok(stdout, "importtime, empty cache")
    imports_empty = parse_importtime(stderr)
    return {
        "command": command,
        "answer": {"sizes": expected.sizes, "total": expected.total},
        "variants": {name: common.summarise_times(values) for name, values in times.items()},
        "primed_runs_that_missed_the_cache": misses[0],
        "importtime_command": importtime_command,
        "imports_primed_cache": imports_primed,
        "imports_empty_cache": imports_empty,
    }


# -- part 5: against a bisection over count, and against the floor -----------------------------
def bisection(case: Case, budget: int) -> tuple[int, int, int]:
    """What users write without a solver: an exponential search for a size over the budget,
    then bisection, every count through ``explorer.count``; the nearest of the last two
    sizes (ties to the smaller). The value, its total and the number of sizes counted."""
    counted: dict[int, int] = {}

    def total(x: int) -> int:
        if x not in counted:
            sizes = {**case.fixed, case.free: x}
            if case.tie is not None:
                sizes[case.tie[0]] = x // case.tie[1]
            counted[x] = explorer.count(case.family, convention=case.convention, **sizes).total
        return counted[x]

    lo = case.lowest
    if total(lo) > budget:
        return lo, total(lo), len(counted)
    hi = lo + 1
    while total(hi) <= budget:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if total(mid) <= budget:
            lo = mid
        else:
            hi = mid
    best = lo if budget - total(lo) <= total(hi) - budget else hi
    return best, total(best), len(counted)


class Floor:
    """The least any closed-form solve must do: the exact root of the count's polynomial in
    the free size (``math.isqrt``; an integer division when linear) and two evaluations of
    the compiled count, at the root and the next size."""

    def __init__(self, case: Case) -> None:
        keyword = explorer.FAMILIES[case.family].keyword(case.free)
        present = {case.free: True} if keyword is not None and keyword.kind == "part" else {}
        template = explorer.formula(
            case.family, convention=case.convention, **case.fixed, **present
        )
        slots = template.compiled.slots
        self.index = next(k for k, s in enumerate(slots) if s.keyword == case.free)
        self.args = [v if v is not None else 0 for v in template.values]
        self.coefficients = template.compiled.total.collect(self.index, self.args)
        self.total = template.compiled.function("total")

    def __call__(self, budget: int) -> int:
        c = self.coefficients
        if len(c) == 3:
            root = quadratic_floor_root(c[2], c[1], c[0] - budget)
        else:
            root = (budget - c[0]) // c[1]
        assert root is not None
        args = self.args
        args[self.index] = root
        self.total(*args)
        args[self.index] = root + 1
        self.total(*args)
        return root


def bench_compare(case: Case, budget: int, settings: Settings) -> dict[str, Any]:
    """Part 5 for one design and budget: solver, bisection and floor, alternating."""
    row: dict[str, Any] = {"case": case.key, "budget": budget}
    try:
        solution = solve_once(case, budget)
    except BudgetError as error:
        row.update(status="refused", message=str(error))
        return row
    value, total, evaluations = bisection(case, budget)
    check(
        (solution.sizes[case.free], solution.total) == (value, total),
        f"{case.key} {budget:.0e}: solver {solution.sizes[case.free]} ({solution.total}) != "
        f"bisection {value} ({total})",
    )
    variants: dict[str, Callable[[], common.Timing]] = {
        "solver": common.per_call(lambda: solve_once(case, budget), 200),
        "bisection": common.per_call(lambda: bisection(case, budget), 10),
    }
    floor = None
    if case.tie is None:
        floor = Floor(case)
        check(floor(budget) in (value, value - 1), f"{case.key}: the floor's root is off")
        variants["floor"] = common.per_call(lambda: floor(budget), 2000)
    for run in variants.values():  # warm-up
        run()
    times = common.alternate(variants, settings.compare_rounds)
    cpu = {name: common.medians(values).cpu for name, values in times.items()}
    row.update(
        status="ok",
        value=value,
        total=total,
        solver_evaluations=solution.evaluations,
        bisection_evaluations=evaluations,
        method=solution.method,
        cpu_s=cpu,
        wall_s={name: common.medians(values).wall for name, values in times.items()},
        bisection_over_solver=cpu["bisection"] / cpu["solver"],
        solver_over_floor=cpu["solver"] / cpu["floor"] if floor is not None else None,
    )
    return row


def _render_compare(rows: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    lines = [
        "5. Solver vs a bisection over explorer.count vs the floor (isqrt + two evaluations)",
        f"   warm, {settings['compare_rounds']} alternating rounds, median CPU per call; "
        f"T: {TIED.describe()}",
        f"   {'case':<5}{'budget':>7}{'answer':>15}{'solver':>10}{'evals':>6}{'bisection':>11}"
        f"{'evals':>6}{'bisect/solver':>14}{'floor':>9}{'solver/floor':>13}",
    ]
    for r in rows:
        head = f"   {r['case']:<5}{_budget(r['budget']):>7}"
        if r["status"] != "ok":
            lines.append(f"{head}  {r['status']}: {r['message']}")
            continue
        cpu = r["cpu_s"]
        floor = cpu.get("floor")
        lines.append(
            f"{head}{r['value']:>15,}{_time(cpu['solver']):>10}{r['solver_evaluations']:>6}"
            f"{_time(cpu['bisection']):>11}{r['bisection_evaluations']:>6}"
            f"{_ratio(r['bisection_over_solver']):>14}"
            + (
                f"{_time(floor):>9}{_ratio(r['solver_over_floor']):>13}"
                if floor is not None
                else f"{'-':>9}{'-':>13}"
            )
        )
    return lines


# -- targets --------------------------------------------------------------------------------
def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets: worst case measured against needed."""
    timed = [r for r in rows if r["status"] == "ok"]
    large = [r for r in timed if r["budget"] >= TARGET_FROM_BUDGET]
    worst_solve = max(timed, key=lambda r: r["solver"]["median_s"])
    result = [
        {
            "target": "1. solver warm median per solve (worst case)",
            "measured": worst_solve["solver"]["median_s"],
            "needed": TARGET_SOLVE_S,
            "unit": "s",
            "where": f"{worst_solve['case']} {_budget(worst_solve['budget'])}",
            "met": worst_solve["solver"]["median_s"] < TARGET_SOLVE_S,
        }
    ]
    for key, label in (
        ("speedup_vs_loop", "2a. loop scan / solver, budgets >= 1e8 (min)"),
        ("speedup_vs_numpy", "2b. numpy scan / solver, budgets >= 1e8 (min)"),
    ):
        worst = min(large, key=lambda r: float(r[key]))
        result.append(
            {
                "target": label,
                "measured": worst[key],
                "needed": TARGET_SPEEDUP,
                "unit": "x",
                "where": f"{worst['case']} {_budget(worst['budget'])}",
                "met": worst[key] >= TARGET_SPEEDUP,
            }
        )
    return result


def compare_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Part 5's targets: the tied solve against the bisection, closed forms against the floor."""
    tied = [r for r in rows if r["case"] == TIED.key and r["status"] == "ok"]
    slowest = min(tied, key=lambda r: r["bisection_over_solver"])
    closed = [r for r in rows if r.get("solver_over_floor") is not None]
    farthest = max(closed, key=lambda r: r["solver_over_floor"])
    return [
        {
            "target": f"5a. bisection / tied solve, {len(tied)} budgets (min)",
            "measured": slowest["bisection_over_solver"],
            "needed": 1.0,
            "unit": "x",
            "where": f"{slowest['case']} {_budget(slowest['budget'])}",
            "met": slowest["bisection_over_solver"] > 1.0,
        },
        {
            "target": "5b. closed-form solve / floor (max)",
            "measured": farthest["solver_over_floor"],
            "needed": TARGET_FLOOR_RATIO,
            "unit": "x<=",
            "where": f"{farthest['case']} {_budget(farthest['budget'])}",
            "met": farthest["solver_over_floor"] <= TARGET_FLOOR_RATIO,
        },
    ]


# -- report ---------------------------------------------------------------------------------
def _time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def _ratio(value: float) -> str:
    return f"{value:,.0f}x" if value >= 10 else f"{value:.2f}x"


def _budget(value: int) -> str:
    return f"1e{len(str(value)) - 1}" if str(value).strip("0") == "1" else f"{value:,}"


def _render_environment(env: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    return common.environment_lines(
        "explorer.solve vs brute force vs Optuna: inverse-solver benchmark",
        env,
        ("numpy", "sympy", "scipy", "optuna", "explorer"),
        settings["name"],
    )


def _render_cases(settings: dict[str, Any]) -> list[str]:
    lines = ["Cases (mode nearest: minimise |total - budget|, ties to the smaller size)"]
    for case in CASES:
        lines.append(f"   {case.key}  {case.describe()}")
        if case.note:
            lines.append(f"      ({case.note})")
    lines.append(
        "   budgets " + ", ".join(_budget(b) for b in settings["budgets"]) + "; solver: "
        f"1 warm-up call, then {settings['solver_calls']} timed calls, median"
    )
    return lines


def _render_answers(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "1. Answers and the solver (warm, through explorer.solve)",
        f"   {'case':<5}{'budget':>7}{'answer':>16}{'total':>19}{'rel.err':>10}"
        f"{'median':>11}{'evals':>7}  method",
    ]
    for r in rows:
        head = f"   {r['case']:<5}{_budget(r['budget']):>7}"
        if r["status"] != "ok":
            bf = r["brute_force"]
            lines.append(
                f"{head}  {r['status']}: size 1 already gives {bf['total']:,}"
                + (f" ({r['message']})" if "message" in r else "")
            )
            continue
        s = r["solver"]
        lines.append(
            f"{head}{r['free'] + '=' + str(s['value']):>16}{s['total']:>19,}"
            f"{s['relative_error']:>10.2e}{_time(s['median_s']):>11}{s['evaluations']:>7}"
            f"  {s['method']}"
        )
    return lines


def _render_scans(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "2. Brute force over the free size, 1..end (end = first size over the budget)",
        f"   {'case':<5}{'budget':>7}{'evaluations':>13}{'loop scan':>12}{'loop/solver':>13}"
        f"{'numpy scan':>12}{'numpy/solver':>14}",
    ]
    extrapolated = []
    for r in rows:
        if r["status"] != "ok":
            continue
        loop, vec = r["loop_scan"], r["numpy_scan"]
        mark = "~" if loop["extrapolated"] else ""
        if loop["extrapolated"]:
            extrapolated.append(r)
        lines.append(
            f"   {r['case']:<5}{_budget(r['budget']):>7}{loop['evaluations']:>13,}"
            f"{mark + _time(loop['time_s']):>12}{mark + _ratio(r['speedup_vs_loop']):>13}"
            f"{_time(vec['time_s']):>12}{_ratio(r['speedup_vs_numpy']):>14}"
        )
    lines.append(
        "   loop scan: Count.evaluate(size=x) for x = 1, 2, ... in Python (median of repeats);"
    )
    lines.append(
        "   numpy scan: Count.evaluate_many over 1..end in chunks of 2^22, end handed over "
        "(a lower bound)"
    )
    for r in extrapolated:
        loop = r["loop_scan"]
        lines.append(
            f"   ~ {r['case']} {_budget(r['budget'])}: EXTRAPOLATED linearly from a timed prefix "
            f"of {loop['timed_evaluations']:,} sizes ({_time(loop['timed_prefix_s'])}) "
            f"to the {loop['evaluations']:,}-size range"
        )
    return lines


def _render_optuna(rows: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    lines = [
        "3. Optuna TPE (seed 0, independent, no constant liar) over 1..end, |count - budget|,",
        "   stopped when a trial proposes the brute force's answer; "
        f"cap {settings['optuna_trials']} trials",
        f"   {'case':<5}{'budget':>7}  {'result':<32}{'time':>11}{'best gap':>16}"
        f"{'optimum gap':>13}{'optuna/solver':>15}",
    ]
    for r in rows:
        if r["status"] != "ok":
            continue
        o = r["optuna"]
        result = (
            f"reached in {o['trials']} trials"
            if o["reached"]
            else f"not reached in {o['trials']} trials"
        )
        lines.append(
            f"   {r['case']:<5}{_budget(r['budget']):>7}  {result:<32}{_time(o['time_s']):>11}"
            f"{o['best_gap']:>16,}{o['optimum_gap']:>13,}{_ratio(r['speedup_vs_optuna']):>15}"
        )
    return lines


def _render_process(process: dict[str, Any]) -> list[str]:
    primed, empty = process["variants"]["primed_cache"], process["variants"]["empty_cache"]
    answer = process["answer"]
    lines = [
        "4. Cold start: solve " + " ".join(CLI_ARGS) + " as a fresh process (no target)",
        f"   {primed['runs']} runs each, alternating, after a priming run and a warm-up run",
        f"   {'variant':<34}{'median':>11}{'min':>11}{'max':>11}",
    ]
    for label, stats in (("primed formula cache", primed), ("empty cache (fresh dir)", empty)):
        lines.append(
            f"   {label:<34}{_time(stats['median_s']):>11}{_time(stats['min_s']):>11}"
            f"{_time(stats['max_s']):>11}"
        )
    lines.append(
        f"   answer: {answer['sizes']}, total {answer['total']:,} (same as explorer.solve); "
        f"primed runs that missed the cache: {process['primed_runs_that_missed_the_cache']}"
    )
    for label, key in (
        ("primed cache", "imports_primed_cache"),
        ("empty cache", "imports_empty_cache"),
    ):
        imports = process[key]
        parts = []
        for name, info in imports["heavy"].items():
            parts.append(
                f"{name} {'YES' if info['imported'] else 'no'}"
                + (f" ({info['cumulative_ms']:.0f} ms)" if info["imported"] else "")
            )
        lines.append(
            f"   -X importtime, {label}: {imports['modules']} modules, "
            f"{imports['total_self_ms']:.0f} ms importing; " + ", ".join(parts)
        )
    return lines


def _render_targets(report: dict[str, Any]) -> list[str]:
    lines = ["Targets", f"   {'target':<48}{'measured':>12}{'needed':>11}{'where':>10}  met"]
    for t in report["targets"]:
        if t["unit"] == "s":
            measured, needed = _time(t["measured"]), "< " + _time(t["needed"])
        elif t["unit"] == "x<=":
            measured, needed = _ratio(t["measured"]), f"<= {t['needed']:g}x"
        else:
            measured, needed = _ratio(t["measured"]), f">= {t['needed']:g}x"
        lines.append(
            f"   {t['target']:<48}{measured:>12}{needed:>11}{t['where']:>10}  "
            + ("yes" if t["met"] else "NO")
        )
    met_against = [name for name, met in report["speedup_target_met_against"].items() if met]
    lines.append(
        "   speedup target (>= 100x for budgets >= 1e8) met against: "
        + (", ".join(met_against) if met_against else "neither scan variant")
    )
    ok = [r for r in report["rows"] if r["status"] == "ok"]
    other = [r for r in report["rows"] if r["status"] != "ok"]
    lines.append(
        f"   correctness: solver == brute-force nearest (size and total) in {len(ok)}/{len(ok)} "
        "cases"
        + (
            f"; {len(other)} below the smallest design: "
            + ", ".join(f"{r['case']} {_budget(r['budget'])} {r['status']}" for r in other)
            if other
            else ""
        )
    )
    return lines


def render(report: dict[str, Any]) -> str:
    """The human-readable table."""
    settings, rows = report["settings"], report["rows"]
    sections = [
        _render_environment(report["environment"], settings),
        _render_cases(settings),
        _render_answers(rows),
        _render_scans(rows),
        _render_optuna(rows, settings),
        _render_process(report["process"]),
        _render_compare(report["compare"], settings),
        _render_targets(report),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


def measure(settings: Settings) -> dict[str, Any]:
    """Run every part and check the targets: the report."""
    # In-process counts use a scratch cache too, never the user's.
    with common.scratch_cache("bench_solve_") as scratch:
        _optuna_quiet()
        report: dict[str, Any] = {"environment": environment(), "settings": vars(settings)}
        rows = []
        for case in CASES:
            for budget in settings.budgets:
                progress(f"case {case.key} ({case.family} {case.convention}), budget {budget:.0e}")
                rows.append(bench_case(case, budget, settings))
        report["rows"] = rows
        progress(f"cold start: {settings.process_runs} runs per variant")
        report["process"] = bench_process(settings, scratch)
        compared = []
        for case in (*CASES, TIED):
            progress(f"part 5: case {case.key}, solver vs bisection vs floor, 12 budgets")
            compared += [bench_compare(case, budget, settings) for budget in ALL_BUDGETS]
        report["compare"] = compared
    report["targets"] = targets(rows) + compare_targets(compared)
    report["speedup_target_met_against"] = {
        "loop scan": report["targets"][1]["met"],
        "numpy scan": report["targets"][2]["met"],
    }
    report["all_targets_met"] = all(t["met"] for t in report["targets"])
    return report


main = common.make_main(
    "bench_solve", __doc__, "smaller caps (~45 s)", (FULL, QUICK), measure, render=render
)


if __name__ == "__main__":
    sys.exit(main())
