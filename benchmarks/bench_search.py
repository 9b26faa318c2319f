"""Benchmark: the budget-constrained search against plain Optuna, and sweep throughput.

1. Search, side by side in one run. The same budget (6.5M parameters), design space
   (lstm, lstmp, gru; 1..6 layers; lstmp projection = cells // 4), sampler (Optuna TPE,
   multivariate, seeded) and trial count for both:
   - constrained: Optuna samples the structure, ``explorer.solve`` fills in the cells, so
     every trial is on budget by construction;
   - baseline: plain Optuna samples the cells too (log scale, 1 .. 2 x the widest
     on-budget design: a generous range) with the budget as Optuna 5's soft constraint
     (``trial.set_constraint``).
   Reported per objective (``macs``: minimise the multiply-accumulates of one time step,
   the families' declared matrix products;
   ``aspect``: distance to 64 cells per layer per layer of depth) and seed: the fraction
   of trials on budget (within the integer step), within 1% of it, and the best
   objective reached among on-budget trials (and among trials within 1%).
2. Sweep throughput: ``searches.design_sweep`` over families x budgets x depths x directions,
   every point solved exactly; designs per second for the vectorised engine and for
   ``explorer.solve`` point by point (on a subset), rows compared between the engines.
3. The same sweep on FLOP budgets (the forward FLOPs of one 2048-step sequence): the
   vectorised engine evaluates the families' compute terms.
4. The engine: CPU per trial of ``searches.search`` (TPE) against a plain Optuna loop on
   the same space, sampler and solve (issue 22: at most 1.3x); wall time of
   ``workers=2`` against ``workers=1`` on one journal file, alternating, medians: with
   the built-in objective (a trial is then Optuna's bookkeeping: sampling, about 16
   fsync'd journal appends under the file lock) and with an objective of 20 ms of CPU.

Run it from the project root with the project's interpreter::

    python benchmarks/bench_search.py            # full run, about 10 s here
    python benchmarks/bench_search.py --quick    # fewer trials and seeds, ~3 s
    python benchmarks/bench_search.py --json     # one JSON object with every figure

The exit status is 0 when the measurements ran, 1 when a correctness check failed.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import _common as common
from _common import CheckFailedError, check

import explorer
from explorer.measures import Flops
from searches import SearchResult, baseline, make_space, search, sweep

BUDGET = 6_500_000
FAMILIES = ("lstm", "lstmp", "gru")
LAYERS = tuple(range(1, 7))
OBJECTIVES = ("macs", "aspect")
SWEEP_FAMILIES = ("lstm", "lstmp", "gru", "rnn")
FLOP_SEQ = 2048  # part 3: budgets in FLOPs of one sequence of this many steps
NEAR = 0.01  # "within 1%": a looser yardstick, reported next to the exact one


@dataclass(frozen=True)
class Settings:
    """How much to run: the full run, or ``--quick``."""

    name: str
    trials: int
    seeds: tuple[int, ...]
    sweep_budget_step: int
    pointwise_points: int
    sweep_rounds: int = 3
    worker_rounds: int = 3


FULL = Settings(
    "full", trials=200, seeds=(0, 1, 2), sweep_budget_step=50_000, pointwise_points=3000
)
QUICK = Settings("quick", trials=60, seeds=(0,), sweep_budget_step=250_000, pointwise_points=800)


progress = common.progress_printer("bench_search")


def environment() -> dict[str, Any]:
    """Interpreter, libraries, CPUs."""
    return common.base_environment(
        {
            "optuna": common.version("optuna"),
            "numpy": common.version("numpy"),
            "sympy": common.version("sympy"),
            "explorer": explorer.__version__,
        },
        detailed=False,
    )


# -- part 1: constrained vs baseline --------------------------------------------------------
def summarise(result: SearchResult, seconds: float) -> dict[str, Any]:
    """Fractions on budget and near it, best values among them; every design re-counted."""
    sign = 1.0 if result.directions[0] == "minimize" else -1.0
    on, near = [], []
    for trial in result.trials:
        design = trial.design
        values = trial.values
        if design is None or values is None:
            raise CheckFailedError(f"trial {trial.number} has no design")
        check(
            explorer.count(design.family, **design.sizes).total == design.total,
            f"trial {trial.number}: sizes do not give the total back",
        )
        if design.on_budget:
            on.append(values[0])
        if abs(design.relative_error) <= NEAR:
            near.append(values[0])
    if result.kind == "constrained":
        check(len(on) == len(result.trials), "a constrained trial off budget")

    def best(values: list[float]) -> float | None:
        return min(values, key=lambda v: sign * v) if values else None

    return {
        "trials": result.finished,
        "on_budget": len(on),
        "on_budget_fraction": len(on) / result.finished,
        "within_1pct_fraction": len(near) / result.finished,
        "pruned": len(result.pruned),
        "best_on_budget": best(on),
        "best_within_1pct": best(near),
        "seconds": seconds,
    }


def bench_search(settings: Settings) -> list[dict[str, Any]]:
    """Both modes, each objective and seed, the same trial count."""
    space = make_space(families=FAMILIES, layers=LAYERS)
    rows = []
    for objective in OBJECTIVES:
        for seed in settings.seeds:
            row: dict[str, Any] = {"objective": objective, "seed": seed}
            for name, runner in (("constrained", search), ("baseline", baseline)):
                start = time.perf_counter()
                extra: dict[str, Any] = {"sampler": "tpe"} if runner is search else {}
                result = runner(
                    space,
                    budget=BUDGET,
                    objectives=objective,
                    trials=settings.trials,
                    seed=seed,
                    **extra,
                )
                row[name] = summarise(result, time.perf_counter() - start)
                row["direction"] = result.directions[0]
            rows.append(row)
            progress(f"search: {objective}, seed {seed} done")
    return rows


# -- part 2: sweep throughput ---------------------------------------------------------------
def bench_sweep(settings: Settings, *, flops: bool = False) -> dict[str, Any]:
    """Designs per second of both engines, after a warm-up of each (formulas compiled,
    numpy imported), the runs alternating; the engines' rows compared. ``flops``: the
    budgets count the forward FLOPs of one ``FLOP_SEQ``-step sequence (2 x FLOP_SEQ the
    parameter budgets: about the same designs)."""
    measure = Flops(seq=FLOP_SEQ) if flops else None
    space = make_space(
        families=SWEEP_FAMILIES, layers=range(1, 9), bidirectional=(False, True), measure=measure
    )
    scale = 2 * FLOP_SEQ if flops else 1
    budgets = tuple(scale * b for b in range(1_000_000, 100_000_001, settings.sweep_budget_step))
    points = len(budgets) * space.size
    subset = budgets[:: max(1, len(budgets) * space.size // settings.pointwise_points)]
    list(sweep(space, budgets=budgets[:2]))  # warm-up: every formula compiled, numpy imported
    list(sweep(space, budgets=subset[:2], engine="solve"))  # warm-up: every request prepared
    solved = sum(1 for _ in sweep(space, budgets=budgets))
    by_solve = [r.to_json() for r in sweep(space, budgets=subset, engine="solve")]
    by_vector = [r.to_json() for r in sweep(space, budgets=subset)]
    check(by_solve == by_vector, "the engines disagree on the subset")
    for row in by_vector[:: max(1, len(by_vector) // 200)]:
        counted = explorer.count(row["family"], seq=FLOP_SEQ, **row["sizes"])
        check(
            (counted.flops if flops else counted.total) == row["total"],
            f"sweep row does not count back: {row}",
        )

    def run(budgets: tuple[int, ...], engine: str) -> Callable[[], common.Timing]:
        def timed() -> common.Timing:
            elapsed = common.stopwatch()
            for _ in sweep(space, budgets=budgets, engine=engine):
                pass
            return elapsed()

        return timed

    times = common.alternate(
        {
            "vectorised_full": run(budgets, "vectorised"),
            "vectorised_subset": run(subset, "vectorised"),
            "pointwise_subset": run(subset, "solve"),
        },
        settings.sweep_rounds,
    )
    median = {k: common.medians(v) for k, v in times.items()}
    return {
        "grid": {
            "families": list(SWEEP_FAMILIES),
            "budgets": [budgets[0], budgets[-1], settings.sweep_budget_step],
            "layers": [1, 8],
            "bidirectional": "both",
        },
        "points": points,
        "solved": solved,
        "vectorised_s": median["vectorised_full"].cpu,
        "vectorised_designs_per_s": solved / median["vectorised_full"].cpu,
        "pointwise_points": len(by_solve),
        "subset_vectorised_designs_per_s": len(by_vector) / median["vectorised_subset"].cpu,
        "pointwise_s": median["pointwise_subset"].cpu,
        "pointwise_designs_per_s": len(by_solve) / median["pointwise_subset"].cpu,
        "engines_agree_rows": len(by_solve),
        "times": {k: common.summarise(v) for k, v in times.items()},
    }


# -- report ---------------------------------------------------------------------------------
def _value(value: float | None) -> str:
    if value is None:
        return "none"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4f}"


def render(report: dict[str, Any]) -> str:
    """The side-by-side table."""
    env, settings = report["environment"], report["settings"]
    lines = [
        *common.environment_lines(
            "budget-constrained search vs plain Optuna (soft constraint); sweep throughput",
            env,
            ("optuna", "numpy", "sympy", "explorer"),
            settings["name"],
        ),
        "",
        f"1. Search at {BUDGET:,} parameters: {', '.join(FAMILIES)}, layers 1..6, "
        f"{settings['trials']} trials each, TPE (multivariate), same seed for both",
        f"   {'objective':<9}{'seed':>5}  {'mode':<12}{'on budget':>10}{'within 1%':>10}"
        f"{'pruned':>7}{'best on budget':>16}{'best within 1%':>16}{'time':>8}",
    ]
    for row in report["search"]:
        for mode in ("constrained", "baseline"):
            r = row[mode]
            lines.append(
                f"   {row['objective']:<9}{row['seed']:>5}  {mode:<12}"
                f"{r['on_budget_fraction']:>10.1%}{r['within_1pct_fraction']:>10.1%}"
                f"{r['pruned']:>7}{_value(r['best_on_budget']):>16}"
                f"{_value(r['best_within_1pct']):>16}{r['seconds']:>7.1f}s"
            )
    lines.append(
        "   (objective macs: minimise the multiply-accumulates of one step; aspect: minimise "
        "|ln(cells/layers/64)|)"
    )
    summary = report["search_summary"]
    for objective, s in summary.items():
        lines.append(
            f"   {objective}: on budget, median over seeds: constrained "
            f"{s['constrained_on_budget']:.1%} vs baseline {s['baseline_on_budget']:.1%}; "
            f"best on budget: constrained {_value(s['constrained_best'])} vs baseline "
            f"{_value(s['baseline_best'])}"
        )
    sw = report["sweep"]
    grid = sw["grid"]
    lines += [
        "",
        f"2. Sweep: {', '.join(grid['families'])} x budgets {grid['budgets'][0]:,}.."
        f"{grid['budgets'][1]:,} step {grid['budgets'][2]:,} x layers 1..8 x both directions",
        f"   both engines warmed up, {settings['sweep_rounds']} alternating runs, median CPU",
        f"   vectorised: {sw['solved']:,} designs solved in {sw['vectorised_s']:.2f} s: "
        f"{sw['vectorised_designs_per_s']:,.0f} designs/s",
        f"   on a subset of {sw['pointwise_points']:,} designs: vectorised "
        f"{sw['subset_vectorised_designs_per_s']:,.0f} designs/s, explorer.solve per point "
        f"{sw['pointwise_designs_per_s']:,.0f} designs/s "
        f"({sw['subset_vectorised_designs_per_s'] / sw['pointwise_designs_per_s']:.1f}x)",
        f"   rows identical between the engines: {sw['engines_agree_rows']:,}",
    ]
    fl = report["flop_sweep"]
    lines += [
        "",
        f"3. The same sweep on FLOP budgets (forward FLOPs of one {FLOP_SEQ}-step sequence, "
        f"{fl['grid']['budgets'][0]:,}..{fl['grid']['budgets'][1]:,})",
        f"   vectorised: {fl['solved']:,} designs solved in {fl['vectorised_s']:.2f} s: "
        f"{fl['vectorised_designs_per_s']:,.0f} designs/s",
        f"   on a subset of {fl['pointwise_points']:,} designs: vectorised "
        f"{fl['subset_vectorised_designs_per_s']:,.0f} designs/s, explorer.solve per point "
        f"{fl['pointwise_designs_per_s']:,.0f} designs/s "
        f"({fl['subset_vectorised_designs_per_s'] / fl['pointwise_designs_per_s']:.1f}x)",
        f"   rows identical between the engines: {fl['engines_agree_rows']:,}",
    ]
    en = report["engine"]
    lines += [
        "",
        f"4. the engine, {en['trials']} TPE trials on 600 designs (CPU per trial, medians):",
        f"   plain Optuna {en['plain_cpu_ms_per_trial']:.2f} ms, explorer search "
        f"{en['explorer_cpu_ms_per_trial']:.2f} ms: {en['cpu_ratio']:.2f}x plain Optuna "
        "(target at most 1.3x)",
        f"   {en['journal_trials']} trials on one journal file, built-in objective: "
        f"--workers 1 {en['workers_1_s']:.2f} s, --workers 2 {en['workers_2_s']:.2f} s: "
        f"{en['workers_2_over_1']:.2f}x the time of one worker (medians, side by side)",
        f"   {en['work']['trials']} trials of a {en['work_ms']} ms CPU objective: --workers 1 "
        f"{en['work']['workers_1_s']:.2f} s, --workers 2 {en['work']['workers_2_s']:.2f} s: "
        f"{en['work']['workers_2_over_1']:.2f}x",
    ]
    return "\n".join(lines)


def search_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over seeds of the on-budget fraction; the best value over all seeds."""
    summary = {}
    for objective in OBJECTIVES:
        chosen = [r for r in rows if r["objective"] == objective]
        sign = 1.0 if chosen[0]["direction"] == "minimize" else -1.0

        def best(
            mode: str, chosen: list[dict[str, Any]] = chosen, sign: float = sign
        ) -> float | None:
            values = [r[mode]["best_on_budget"] for r in chosen]
            found = [v for v in values if v is not None]
            return min(found, key=lambda v: sign * v) if found else None

        summary[objective] = {
            "constrained_on_budget": statistics.median(
                r["constrained"]["on_budget_fraction"] for r in chosen
            ),
            "baseline_on_budget": statistics.median(
                r["baseline"]["on_budget_fraction"] for r in chosen
            ),
            "constrained_best": best("constrained"),
            "baseline_best": best("baseline"),
        }
    return summary


ENGINE_LAYERS = tuple(range(1, 201))  # part 4: 600 designs, more than the trials


def bench_engine(settings: Settings) -> dict[str, Any]:
    """CPU per trial: explorer's search against a plain Optuna loop on the same space (the
    same TPE settings, the same parameters, the same solve in its objective); and wall
    time of ``workers=2`` against ``workers=1`` on one journal file."""

    import optuna

    from searches.space import Choice

    trials = settings.trials * 2
    space = make_space(families=FAMILIES, layers=ENGINE_LAYERS)
    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def plain(seed: int) -> float:
        solved: dict[Any, Any] = {}

        def objective(trial: Any) -> float:
            family = trial.suggest_categorical("family", list(FAMILIES))
            layers = trial.suggest_int("layers", 1, ENGINE_LAYERS[-1])
            picks = [("layers", layers)]
            if family == "lstmp":
                picks = [
                    ("layers", layers),
                    ("proj_ratio", trial.suggest_categorical("proj_ratio", [4])),
                ]
            choice = Choice(family, tuple(picks))
            if choice not in solved:
                solved[choice] = space.solve(space.with_depth(choice, layers), budget=BUDGET)
            return float(layers)

        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
        study = optuna.create_study(sampler=sampler, direction="maximize")
        start = time.process_time()
        study.optimize(objective, n_trials=trials)
        return (time.process_time() - start) / trials

    def ours(seed: int) -> float:
        start = time.process_time()
        result = search(
            space, budget=BUDGET, objectives="depth", trials=trials, seed=seed, sampler="tpe"
        )
        return (time.process_time() - start) / max(1, result.finished + result.repeats)

    cpu: dict[str, list[float]] = {"plain": [], "explorer": []}
    for seed in settings.seeds:
        cpu["plain"].append(plain(seed))
        cpu["explorer"].append(ours(seed))
    progress("engine: CPU per trial measured")
    workers = bench_workers(settings, space)
    progress("engine: workers measured")
    plain_cpu = statistics.median(cpu["plain"])
    ours_cpu = statistics.median(cpu["explorer"])
    return {
        "trials": trials,
        "plain_cpu_ms_per_trial": 1000 * plain_cpu,
        "explorer_cpu_ms_per_trial": 1000 * ours_cpu,
        "cpu_ratio": ours_cpu / plain_cpu,
        **workers,
    }


#: Part 4's objective that does work: about this many milliseconds of CPU per trial (a
#: proxy measured on the design, as a user objective would be).
WORK_MS = 20
WORK_OBJECTIVE = """\
import time


def work(design):
    end = time.process_time() + {seconds}
    total = 0
    while time.process_time() < end:
        total += 1
    return float(design.depth)
"""


def bench_workers(settings: Settings, space: Any) -> dict[str, Any]:
    """Wall time of ``workers=2`` against ``workers=1`` on one journal file, side by side
    (alternating, medians of ``settings.worker_rounds``), with the built-in objective
    (microseconds: a trial is Optuna's bookkeeping) and with an objective of about
    :data:`WORK_MS` ms of CPU."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        module = Path(scratch) / "work_objective.py"
        module.write_text(WORK_OBJECTIVE.format(seconds=WORK_MS / 1000))
        cases = {"builtin": ("depth", settings.trials), "work": (f"{module}:work", 60)}
        results: dict[str, Any] = {}
        for case, (objective, trials) in cases.items():

            def run(workers: int, objective: str = objective, trials: int = trials) -> float:
                with tempfile.TemporaryDirectory() as folder:
                    start = time.perf_counter()
                    search(
                        space,
                        budget=BUDGET,
                        objectives=objective,
                        trials=trials,
                        seed=0,
                        sampler="tpe",
                        storage=f"{folder}/s.log",
                        workers=workers,
                    )
                    return time.perf_counter() - start

            walls = common.alternate(
                {1: lambda: run(1), 2: lambda: run(2)}, rounds=settings.worker_rounds
            )
            one, two = statistics.median(walls[1]), statistics.median(walls[2])
            results[case] = {
                "trials": trials,
                "workers_1_s": one,
                "workers_2_s": two,
                "workers_2_over_1": two / one,
            }
    return {
        "journal_trials": results["builtin"]["trials"],
        "workers_1_s": results["builtin"]["workers_1_s"],
        "workers_2_s": results["builtin"]["workers_2_s"],
        "workers_2_over_1": results["builtin"]["workers_2_over_1"],
        "work_ms": WORK_MS,
        "work": results["work"],
    }


def measure(settings: Settings) -> dict[str, Any]:
    """Run every part: the report."""
    report: dict[str, Any] = {"environment": environment(), "settings": vars(settings)}
    progress(f"part 1: search, {settings.trials} trials x {len(settings.seeds)} seeds")
    report["search"] = bench_search(settings)
    report["search_summary"] = search_summary(report["search"])
    progress("part 2: sweep throughput")
    report["sweep"] = bench_sweep(settings)
    progress("part 3: sweep throughput on FLOP budgets")
    report["flop_sweep"] = bench_sweep(settings, flops=True)
    progress("part 4: the engine's overhead and workers")
    report["engine"] = bench_engine(settings)
    return report


main = common.make_main(
    "bench_search", __doc__, "fewer trials and seeds", (FULL, QUICK), measure, render=render
)


if __name__ == "__main__":
    sys.exit(main())
