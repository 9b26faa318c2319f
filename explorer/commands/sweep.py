"""``explorer sweep``: a grid of designs, each point solved exactly; table, files, plot.

Budgets in parameters (``--budget``), FLOPs (``--budget-flops 1e12,2e12 --seq 2048``) or
bytes (``--budget-bytes 40GB,80GB --training adam``); ``--seq`` also gives each row its
forward FLOPs, which ``--plot-axes params,flops`` draws against its parameters.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from explorer.commands.measure_options import budget_measure
from explorer.commands.options import int_text
from explorer.commands.search import (
    WORKERS_HELP,
    add_budget_arguments,
    add_grace_option,
    add_measure_arguments,
    add_output_options,
    add_space_options,
    progress_wanted,
    space_from,
)

NAME = "sweep"
HELP = "solve every point of a grid (families x budgets x layers x ...); CSV/JSON, plot"
PLOT_AXES = ("sizes", "params,flops")  # searches.plots.PLOT_AXES (matplotlib not imported)
DESCRIPTION = (
    f"{HELP}. Sizes not given take the families' stated defaults, printed with the rows "
    "('assumed:' lines; 'assumptions' in --json): a recurrent network's --input 39 and "
    "--output 34 come from the forum question this project started from (39 inputs, 34 "
    "outputs, 3 x 1024 LSTM cells: explorer reproduce forum); --output 0 drops the output "
    "layer."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Budgets, design space, engine and outputs."""
    add_budget_arguments(parser, help="parameters: 6.5M, or 1M,6.5M,21M, or 1M..10M/1M", many=True)
    add_space_options(parser)
    add_measure_arguments(parser)
    parser.add_argument(
        "--engine",
        default="vectorised",
        choices=("vectorised", "solve"),
        help="vectorised numpy solves (default), or explorer.solve point by point (byte "
        "budgets are always solved point by point)",
    )
    study = parser.add_argument_group(
        "as an Optuna grid study (resumable, shareable; grids of up to a few thousand points)"
    )
    study.add_argument(
        "--storage", help="journal file (sweep.log), sqlite:///sweep.db or postgresql://..."
    )
    study.add_argument("--study-name", help="resume or share this sweep (default from the options)")
    study.add_argument("--workers", type=int_text("--workers"), default=1, help=WORKERS_HELP)
    add_grace_option(study)
    parser.add_argument(
        "--save",
        action="append",
        metavar="FILE",
        help="write every row, streamed: FILE.csv, FILE.json or FILE.jsonl (repeatable)",
    )
    add_output_options(
        parser, top=20, seed="recorded in --json; a sweep is exhaustive and has no randomness"
    )
    parser.add_argument(
        "--plot-axes",
        choices=PLOT_AXES,
        metavar="sizes|params,flops",
        help="what --plot draws: sizes (default: the width against the depth, and the count "
        "against the width) or params,flops (parameters against the forward FLOPs of one "
        "--seq-token sequence, one curve per structure and depth; needs --seq)",
    )


def run(args: argparse.Namespace) -> str:
    """Stream the rows to the files; print the first rows (or every row with ``--json``)."""
    try:
        return _run(args)
    except KeyboardInterrupt:  # a grid study says itself what it kept
        from searches import SearchInterruptedError

        raise SearchInterruptedError(
            "interrupted; no file was written (outputs are committed only at the end): "
            "run the same command again"
        ) from None


def _run(args: argparse.Namespace) -> str:
    from explorer.errors import UsageError
    from searches import Outputs, check_workers, require, space_notes, sweep

    measure, budgets = budget_measure(args, command="sweep", many=True, objectives=True)
    check_workers(args.workers)
    axes = args.plot_axes or "sizes"
    if args.plot_axes is not None and not args.plot:
        raise UsageError("--plot-axes says what --plot draws: add --plot FILE.png")
    if axes == "params,flops" and args.seq is None:
        raise UsageError(
            "--plot-axes params,flops draws the forward FLOPs of one sequence: give --seq T"
        )
    if args.plot:
        require("matplotlib", feature="--plot", extra="plot")
    space = space_from(args, measure)
    assumed = space_notes(space)  # the defaults taken (the forum's input 39, output 34 ...)
    as_study = args.storage is not None or args.study_name is not None or args.workers != 1
    job = sweep(
        space,
        budgets=budgets,
        engine=args.engine,
        progress=progress_wanted(args),
    )
    if args.engine != "solve":
        # numpy before any output opens: Ctrl-C landing inside a C extension's import
        # surfaces as an ImportError (a traceback), not as an interrupt.
        import numpy  # noqa: F401
    with Outputs() as outputs:  # every output opened first, committed or dropped together
        columns = space.size_names()
        writers = [outputs.rows(path, sizes=columns) for path in args.save or []]
        picture = outputs.picture(args.plot) if args.plot else None
        points = None
        if picture is not None:
            from searches import SweepPoints

            points = SweepPoints()
        start = time.perf_counter()
        rows: Iterable[Any] = job
        study: dict[str, Any] = {}
        if as_study:
            rows, study = _grid_study(args, space, budgets)
            job.skipped, job.examples = study["skipped"], study["examples"]
        seen = _stream(rows, writers, points, keep=None if args.json else args.top)
        seconds = time.perf_counter() - start
        if picture is not None and points is not None:
            from searches import draw_compute, draw_sweep

            title = f"{job.size:,}-point sweep ({', '.join(job.space.families)})"
            if axes == "sizes":
                picture.draw(lambda handle: draw_sweep(points, handle, title=title))
            else:
                seq = args.seq
                picture.draw(lambda handle: draw_compute(points, handle, title=title, seq=seq))
    files = [*(args.save or []), *([args.plot] if args.plot else [])]
    engine = f"optuna grid study {study['study_name']} ({study['storage']})" if study else None
    if args.json:
        return json.dumps(
            {
                "rows": [row.to_json() for row in seen.kept],
                "grid_points": job.size,
                "solved": seen.solved,
                "skipped": job.skipped,
                "skipped_examples": job.examples,
                "engine": "optuna grid study" if study else job.engine,
                "study_name": study.get("study_name"),
                "storage": study.get("storage"),
                "seconds": seconds,
                "budgets": list(job.budgets),
                "unit": job.space.unit,
                "measure": job.space.measured,
                "space": job.space.to_json(),
                "assumptions": list(assumed),
                "seed": args.seed,
                "files": files,
            }
        )
    return _text(job, seen, engine or job.engine, seconds, files, assumed)


@dataclass
class _Seen:
    """What the command keeps of the streamed rows: a count and the first few (all with
    ``--json``)."""

    solved: int = 0
    kept: list[Any] = field(default_factory=list)


def _stream(rows: Iterable[Any], writers: list[Any], points: Any, *, keep: int | None) -> _Seen:
    seen = _Seen()
    for row in rows:
        seen.solved += 1
        data = row.to_json()
        for writer in writers:
            writer.write(data)
        if keep is None or len(seen.kept) < keep:
            seen.kept.append(row)
        if points is not None:
            points.add(row)
    return seen


def _text(  # noqa: PLR0917 - the parts of one report
    job: Any, seen: _Seen, engine: str, seconds: float, files: list[str], assumed: Any
) -> str:
    from searches import sweep_header, sweep_table

    lines = [
        sweep_header(
            job.size, seen.solved, job.skipped, engine, seconds, measure=job.space.measured
        )
    ]
    if seen.kept:
        lines += ["", sweep_table(seen.kept)]
        if seen.solved > len(seen.kept):
            lines.append(
                f"... {seen.solved - len(seen.kept):,} more rows "
                "(--top N shows more; --save FILE.csv writes all)"
            )
    lines += [f"no design: {example}" for example in job.examples]
    lines += [f"assumed: {note}" for note in assumed]
    lines += [f"wrote: {path}" for path in files]
    return "\n".join(lines)


def _grid_study(
    args: argparse.Namespace, space: Any, budgets: Any
) -> tuple[list[Any], dict[str, Any]]:
    """The sweep as an Optuna grid study: every point a trial, resumable and shareable."""
    from searches import require, sweep_study

    require("optuna", feature="explorer sweep --storage/--workers")

    rows, result = sweep_study(
        space,
        budgets=budgets,
        storage=args.storage,
        study_name=args.study_name,
        workers=args.workers,
        seed=args.seed,
        progress=progress_wanted(args),
        grace_period=args.grace_period,
    )
    examples = [
        f"{t.params.get('structure')} depth={t.params.get('depth')} at "
        f"{t.params.get('budget'):,}: {t.reason}"
        for t in result.pruned[:5]
    ]
    return rows, {
        "study_name": result.study_name,
        "storage": result.storage,
        "skipped": len(result.pruned),
        "examples": examples,
    }
