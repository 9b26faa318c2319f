"""``explorer sweep``: a grid of designs, each point solved exactly; table, files, plot."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from explorer.commands.search import (
    WORKERS_HELP,
    _int,
    add_output_options,
    add_space_options,
    progress_wanted,
    space_from,
)
from searches._options import budget_choices

NAME = "sweep"
HELP = "solve every point of a grid (families x budgets x layers x ...); CSV/JSON, plot"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Budgets, design space, engine and outputs."""
    parser.add_argument(
        "--budget", type=budget_choices, help="budgets: 6.5M, or 1M,6.5M,21M, or 1M..10M/1M"
    )
    add_space_options(parser)
    parser.add_argument(
        "--engine",
        default="vectorised",
        choices=("vectorised", "solve"),
        help="vectorised numpy solves (default), or explorer.solve point by point",
    )
    study = parser.add_argument_group(
        "as an Optuna grid study (resumable, shareable; grids of up to a few thousand points)"
    )
    study.add_argument(
        "--storage", help="journal file (sweep.log), sqlite:///sweep.db or postgresql://..."
    )
    study.add_argument("--study-name", help="resume or share this sweep (default from the options)")
    study.add_argument("--workers", type=_int, default=1, help=WORKERS_HELP)
    parser.add_argument(
        "--save",
        action="append",
        metavar="FILE",
        help="write every row, streamed: FILE.csv, FILE.json or FILE.jsonl (repeatable)",
    )
    add_output_options(
        parser, top=20, seed="recorded in --json; a sweep is exhaustive and has no randomness"
    )


def run(args: argparse.Namespace) -> str:
    """Stream the rows to the files; print the first rows (or every row with ``--json``)."""
    try:
        return _run(args)
    except KeyboardInterrupt:  # a grid study says itself what it kept
        from searches.errors import SearchInterruptedError

        raise SearchInterruptedError(
            "interrupted; no file was written (outputs are committed only at the end): "
            "run the same command again"
        ) from None


def _run(args: argparse.Namespace) -> str:
    from explorer.errors import UsageError
    from searches import sweep
    from searches._files import Outputs
    from searches._processes import check_workers

    if args.budget is None:
        raise UsageError("sweep needs budgets: --budget 6.5M or --budget 1M,6.5M,21M")
    check_workers(args.workers)
    if args.plot:
        from searches._optional import require

        require("matplotlib", feature="--plot", extra="plot")
    space = space_from(args)
    as_study = args.storage is not None or args.study_name is not None or args.workers != 1
    job = sweep(
        space,  # type: ignore[arg-type]
        budgets=args.budget,
        engine=args.engine,
        progress=progress_wanted(args),
    )
    if args.engine != "solve":
        # numpy before any output opens: Ctrl-C landing inside a C extension's import
        # surfaces as an ImportError (a traceback), not as an interrupt.
        import numpy  # noqa: F401
    with Outputs() as outputs:  # every output opened first, committed or dropped together
        writers = [outputs.rows(path) for path in args.save or []]
        picture = outputs.picture(args.plot) if args.plot else None
        points = None
        if picture is not None:
            from searches.plots import SweepPoints

            points = SweepPoints()
        start = time.perf_counter()
        rows: Iterable[Any] = job
        study: dict[str, Any] = {}
        if as_study:
            rows, study = _grid_study(args, space)
            job.skipped, job.examples = study["skipped"], study["examples"]
        seen = _stream(rows, writers, points, keep=None if args.json else args.top)
        seconds = time.perf_counter() - start
        if picture is not None and points is not None:
            from searches.plots import draw_sweep

            title = f"{job.size:,}-point sweep ({', '.join(job.space.families)})"
            picture.draw(lambda handle: draw_sweep(points, handle, title=title))
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
                "engine": "optuna grid study" if study else args.engine,
                "study_name": study.get("study_name"),
                "storage": study.get("storage"),
                "seconds": seconds,
                "budgets": list(job.budgets),
                "space": job.space.to_json(),
                "seed": args.seed,
                "files": files,
            }
        )
    return _text(job, seen, engine or args.engine, seconds, files)


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


def _text(job: Any, seen: _Seen, engine: str, seconds: float, files: list[str]) -> str:
    from searches.render import sweep_header, sweep_table

    lines = [sweep_header(job.size, seen.solved, job.skipped, engine, seconds)]
    if seen.kept:
        lines += ["", sweep_table(seen.kept)]
        if seen.solved > len(seen.kept):
            lines.append(
                f"... {seen.solved - len(seen.kept):,} more rows "
                "(--top N shows more; --save FILE.csv writes all)"
            )
    lines += [f"no design: {example}" for example in job.examples]
    lines += [f"wrote: {path}" for path in files]
    return "\n".join(lines)


def _grid_study(args: argparse.Namespace, space: Any) -> tuple[list[Any], dict[str, Any]]:
    """The sweep as an Optuna grid study: every point a trial, resumable and shareable."""
    from searches._optional import require

    require("optuna", feature="explorer sweep --storage/--workers")
    from searches.grid_study import sweep_study

    rows, result = sweep_study(
        space,
        budgets=args.budget,
        storage=args.storage,
        study_name=args.study_name,
        workers=args.workers,
        seed=args.seed,
        progress=progress_wanted(args),
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
