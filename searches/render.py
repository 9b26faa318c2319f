"""Text renderings of searches and sweeps: the answer first, then a small table.

Example:
    >>> print(table([("a", "bb"), ("ccc", "d")], right=(1,)))
    a    bb
    ccc   d
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from searches._views import ResultView, RowView, TrialView
from searches.design import Design
from searches.objectives import BUILTIN

__all__ = [
    "columns",
    "design_cells",
    "in_unit",
    "plural",
    "search_text",
    "sweep_header",
    "sweep_table",
    "table",
]


def table(rows: Sequence[Sequence[str]], *, right: Iterable[int] = ()) -> str:
    """Columns padded to their widest cell; ``right`` columns right-aligned."""
    aligned = set(right)
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            f"{cell:>{widths[c]}}" if c in aligned else f"{cell:<{widths[c]}}"
            for c, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def plural(count: int, noun: str) -> str:
    """``1 trial``, ``2 trials``.

    Example:
        >>> plural(1, "trial"), plural(0, "trial"), plural(1_000, "design")
        ('1 trial', '0 trials', '1,000 designs')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _percent(relative: float) -> str:
    return f"{relative * 100:+.3g}%"


def columns(designs: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """The sizes a table of designs shows: each family's depth and width, and every other
    size that differs between the designs (in the families' keyword order).

    Example:
        >>> columns([("lstm", {"input": 39, "cells": 565, "layers": 3}),
        ...          ("gru", {"input": 39, "cells": 700, "layers": 2})])
        ['cells', 'layers']
    """
    import explorer

    order: list[str] = []
    shown: set[str] = set()
    for family_name, _ in designs:
        family = explorer.FAMILIES[family_name]
        for keyword in family.keywords:
            if keyword.name not in order:
                order.append(keyword.name)
        shown.update((family.depth, family.width))
    for name in order:
        values = {json.dumps(sizes.get(name), sort_keys=True) for _, sizes in designs}
        if len(values) > 1:
            shown.add(name)
    return [name for name in order if name in shown]


def design_cells(
    family: str,
    sizes: dict[str, Any],
    total: int,
    relative: float,
    shown: Sequence[str],
    *extra: int | None,
) -> list[str]:
    """A design as table cells: family, the ``shown`` sizes, total, error, and the
    ``extra`` numbers (its parameters beside a FLOP or byte total; ``-`` for ``None``)."""
    cells = [family]
    for name in shown:
        value = sizes.get(name)
        if value is None:
            cells.append("-")
        elif isinstance(value, bool):
            cells.append("yes" if value else "no")
        else:
            cells.append(str(value))
    more = ["-" if value is None else f"{value:,}" for value in extra]
    return [*cells, f"{total:,}", _percent(relative), *more]


def _header(shown: Sequence[str], unit: str = "parameters") -> list[str]:
    """The columns of a design: ``total`` is in parameters; a FLOP or byte total is
    named by its unit, the parameters beside it."""
    if unit == "parameters":
        return ["family", *shown, "total", "error"]
    return ["family", *shown, unit, "error", "parameters"]


def in_unit(value: int, unit: str) -> str:
    """A total or budget with its unit, unless it counts parameters.

    Example:
        >>> in_unit(6_500_000, "parameters"), in_unit(2 * 10**12, "FLOPs")
        ('6,500,000', '2,000,000,000,000 FLOPs')
    """
    return f"{value:,}" if unit == "parameters" else f"{value:,} {unit}"


def _value(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1000 else f"{value:.6g}"


def _trial_row(trial: TrialView, shown: Sequence[str]) -> list[str]:
    design = trial.design
    assert design is not None
    assert trial.values is not None
    extra = () if design.unit == "parameters" else (design.parameters,)
    cells = design_cells(
        design.family, dict(design.sizes), design.total, design.relative_error, shown, *extra
    )
    return [
        str(trial.number),
        *cells,
        "yes" if design.on_budget else "NO",
        *map(_value, trial.values),
    ]


def _describe(design: Design) -> str:
    sizes = ", ".join(f"{k}={v}" for k, v in design.sizes.items() if k != "convention")
    error = _percent(design.relative_error)
    if design.unit == "parameters":
        return f"{design.family} ({sizes}) -> {design.total:,} parameters ({error})"
    return (
        f"{design.family} ({sizes}) -> {design.total:,} {design.unit} ({error}), "
        f"{design.parameters:,} parameters"
    )


def _pruned_reasons(pruned: Sequence[TrialView], *, shown: int = 3) -> list[str]:
    """Why trials were pruned: the commonest reasons first, each with its count.

    Example:
        >>> from searches.results import TrialRecord
        >>> t = TrialRecord(0, "PRUNED", {}, None, None, "too deep for the budget")
        >>> _pruned_reasons([t, t])
        ['pruned: 2 x too deep for the budget']
    """
    reasons = Counter(t.reason or "no reason recorded" for t in pruned)
    if not reasons:
        return []
    common = reasons.most_common(shown)
    lines = [f"pruned: {n} x {reason}" for reason, n in common]
    others = sum(reasons.values()) - sum(n for _, n in common)
    if others:
        lines.append(f"pruned: {others} more, for {plural(len(reasons) - shown, 'other reason')}")
    return lines


def search_text(result: ResultView, *, top: int = 10) -> str:
    """The best design(s) first, then the top trials, the run's settings and assumptions."""
    what = (
        "budget-constrained search"
        if result.kind == "constrained"
        else "baseline search (plain Optuna, soft budget constraint)"
    )
    objectives = ", ".join(f"{n} ({d})" for n, d in zip(result.objectives, result.directions))
    lines = [
        f"{what}: {plural(result.finished, 'trial')} at a budget of "
        f"{in_unit(result.budget, result.unit)}; "
        f"{result.on_budget} on budget ({result.on_budget_fraction:.0%}), "
        f"{len(result.pruned)} pruned (no design at the budget)"
        + (f", {len(result.failed)} failed (interrupted)" if result.failed else ""),
        f"objective: {objectives}"
        + (f" ({BUILTIN[result.objectives[0]][1]})" if _described(result) else ""),
        _space_line(result),
        "on budget: within one step of the solved width (no integer width lands closer); "
        "error is (total - budget) / budget",
    ]
    compute = [n for n in result.objectives if n in ("macs", "flops", "training_flops")]
    seqs = {t.design.seq for t in result.trials if t.design is not None}
    if compute and len(seqs) == 1:
        seq = seqs.pop()
        lines[-1] += f"; {', '.join(compute)} of one forward pass of {plural(seq, 'token')} (--seq)"
    if result.unit != "parameters":
        lines.insert(1, f"budget: {result.measure}")
    lines += _pruned_reasons(result.pruned)
    if not result.best:
        lines.append("best: none (no trial on budget)")
    elif not result.multi_objective:
        best = result.best[0]
        assert best.design is not None
        assert best.values is not None
        lines.append(
            f"best: trial {best.number}: {_describe(best.design)}; "
            f"{result.objectives[0]} {_value(best.values[0])}"
        )
    shown = columns([(t.design.family, dict(t.design.sizes)) for t in result.trials if t.design])
    header = ["#", *_header(shown, result.unit), "on budget", *result.objectives]
    width = len(shown) + (0 if result.unit == "parameters" else 1)
    right = [0, *range(2, 4 + width), *range(5 + width, 5 + width + len(result.objectives))]
    if result.multi_objective and result.best:
        lines += ["", f"Pareto front ({plural(len(result.best), 'trial')}):"]
        lines.append(table([header, *(_trial_row(t, shown) for t in result.best)], right=right))
    distinct = _ranked(result)
    ranked = distinct[:top]
    if ranked:
        lines += [
            "",
            f"top {len(ranked)} of {plural(len(distinct), 'distinct design')} in "
            f"{plural(len(result.trials), 'trial')} (on budget first, by "
            f"{result.objectives[0]}):",
        ]
        rows = [[*_trial_row(t, shown), str(n)] for t, n in ranked]
        lines.append(table([[*header, "trials"], *rows], right=[*right, len(header)]))
    lines += [
        "",
        f"study {result.study_name} ({result.storage}); seed {result.seed}; "
        f"workers {result.workers}",
    ]
    lines += [f"assumed: {note}" for note in result.assumptions]
    lines += [f"note: {note}" for note in result.notes]
    return "\n".join(lines)


def _described(result: ResultView) -> bool:
    """Whether the one objective is a built-in worth describing in the output."""
    return len(result.objectives) == 1 and result.objectives[0] in ("aspect", "error")


def _space_line(result: ResultView) -> str:
    """The space's size and the sampler that ran.

    Example:
        >>> from searches.results import SearchResult
        >>> r = SearchResult("constrained", "s", "in memory", 10, ("aspect",), ("minimize",),
        ...                  0, 5, 1, (), (), (), sampler="grid", space_size=144,
        ...                  exhaustive=True)
        >>> _space_line(r)
        'space: 144 designs; sampler grid (every design evaluated: the exact optimum)'
    """
    size = (
        "raw sizes (not finite)"
        if result.space_size is None
        else plural(result.space_size, "design")
    )
    names = {"tpe": "TPE", "random": "random", "grid": "grid"}
    how = (
        " (every design evaluated: the exact optimum)"
        if result.exhaustive and result.sampler == "grid"
        else ""
    )
    return f"space: {size}; sampler {names.get(result.sampler, result.sampler)}{how}"


def _ranked(result: ResultView) -> list[tuple[TrialView, int]]:
    """Distinct designs, best first (on budget first), each with its number of trials."""
    sign = 1.0 if result.directions[0] == "minimize" else -1.0
    first: dict[str, TrialView] = {}
    seen: dict[str, int] = {}
    for trial in result.trials:
        assert trial.design is not None
        key = json.dumps([trial.design.family, dict(trial.design.sizes)], sort_keys=True)
        first.setdefault(key, trial)
        seen[key] = seen.get(key, 0) + 1

    def order(key: str) -> tuple[bool, float, int]:
        trial = first[key]
        assert trial.design is not None
        assert trial.values is not None
        return (not trial.design.on_budget, sign * trial.values[0], trial.number)

    return [(first[key], seen[key]) for key in sorted(first, key=order)]


def sweep_header(
    size: int, rows: int, skipped: int, engine: str, seconds: float, *, measure: str = ""
) -> str:
    """One line: how many points, solved, skipped, how fast; and what the budgets count,
    when not parameters.

    Example:
        >>> print(sweep_header(4, 3, 1, "solve", 0.0, measure="bytes of bf16 weights"))
        sweep: 4 grid points, 3 solved, 1 without a design at their budget; engine solve, 0.00 s
        budget: bytes of bf16 weights
    """
    rate = f", {rows / seconds:,.0f} designs/s" if seconds > 0 and rows else ""
    line = (
        f"sweep: {plural(size, 'grid point')}, {rows:,} solved, {skipped:,} without a design "
        f"at their budget; engine {engine}, {seconds:.2f} s{rate}"
    )
    return line + (f"\nbudget: {measure}" if measure and measure != "parameters" else "")


def sweep_table(rows: Sequence[RowView]) -> str:
    """The rows as a table (budget first): each total in the budget's unit, and the
    parameters beside a FLOP or byte total; with forward FLOPs, a ``FLOPs/seq`` column
    unless the total is those FLOPs."""
    shown = columns([(r.family, r.sizes) for r in rows])
    units = {r.unit for r in rows}
    unit = units.pop() if len(units) == 1 else "total"
    header = ["budget", *_header(shown, unit)]
    flops = any(r.flops is not None for r in rows) and any(r.flops != r.total for r in rows)
    if flops:
        header.append("FLOPs/seq")
    body = []
    for r in rows:
        extra: list[int | None] = [] if unit == "parameters" else [r.parameters]
        if flops:
            extra.append(r.flops)
        cells = design_cells(r.family, r.sizes, r.total, r.relative_error, shown, *extra)
        body.append([f"{r.budget:,}", *cells])
    return table([header, *body], right=(0, *range(2, len(header))))


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str) -> str:
    """An HTML table (Jupyter's view of a result), every cell escaped.

    Example:
        >>> html_table(["a"], [["<b>"]], caption="x & y")
        '<table><caption>x &amp; y</caption><tr><th>a</th></tr><tr><td>&lt;b&gt;</td></tr></table>'
    """
    import html

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><caption>{html.escape(caption)}</caption><tr>{head}</tr>{body}</table>"


def search_rows(result: ResultView) -> tuple[list[str], list[list[str]], str]:
    """The ranked designs of a search as a header, rows and a one-line summary."""
    shown = columns([(t.design.family, dict(t.design.sizes)) for t in result.trials if t.design])
    header = ["#", *_header(shown, result.unit), "on budget", *result.objectives, "trials"]
    rows = [[*_trial_row(t, shown), str(n)] for t, n in _ranked(result)]
    summary = search_text(result, top=0).splitlines()[0]
    return header, rows, summary


def sweep_rows(rows: Sequence[RowView]) -> tuple[list[str], list[list[str]]]:
    """A sweep's rows as a header and rows of cells (:func:`sweep_table`'s)."""
    lines = sweep_table(rows).splitlines()
    return lines[0].split(), [line.split() for line in lines[1:]]
