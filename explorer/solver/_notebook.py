r"""A solution in a notebook: the solved design (or every design, best first) as an HTML
table, the answer as LaTeX, the designs as a pandas frame (pandas optional).
:class:`Solution`'s ``_repr_html_``, ``_repr_latex_`` and ``to_pandas`` call these.

Example:
    >>> import explorer
    >>> s = explorer.solve("lstm", budget="1M", input=39, layers=2)
    >>> solution_latex(s).startswith(r"$\mathrm{cells} = ")
    True
"""

from __future__ import annotations

from typing import Any

from explorer.display import MAX_ROWS, html_table, load_pandas

#: A solution as these views read it (:class:`explorer.solver.Solution`).
Solution = Any

__all__ = ["solution_frame", "solution_html", "solution_latex"]


def _designs(solution: Solution) -> tuple[Solution, ...]:
    return solution.alternatives or (solution,)


def solution_html(solution: Solution) -> str:
    """The solved design (or every design, best first) as an HTML table, with the budget,
    the error and the neighbours."""
    designs = _designs(solution)
    names = list(dict.fromkeys(k for d in designs for k in d.sizes))
    rows = [
        [
            *(_size(d.sizes.get(k)) for k in names),
            f"{d.total:,}",
            f"{d.relative_error:+.3%}",
        ]
        for d in designs[:MAX_ROWS]
    ]
    sides = [
        f"{side} {solution.free} {n.value:,} -> {n.total:,}"
        for side, n in (("under:", solution.below), ("over:", solution.above))
        if n is not None
    ]
    caption = (
        f"{solution.family} ({solution.convention}): {solution.free} = {solution.value:,} for "
        f"a budget of {solution.budget:,} {solution.unit}"
    )
    return html_table(
        [*names, solution.unit, "vs budget"],
        rows,
        caption=caption,
        note="; ".join(sides),
    )


def _size(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def solution_latex(solution: Solution) -> str:
    """The answer as LaTeX: the free size, the total and the budget."""
    free = solution.free.replace("_", r"\_")
    total = f"{solution.total:,}".replace(",", "{,}")
    budget = f"{solution.budget:,}".replace(",", "{,}")
    error = f"{solution.relative_error:+.3%}".replace("%", r"\%")
    unit = solution.unit.replace("_", r"\_")
    return (
        rf"$\mathrm{{{free}}} = {solution.value:,}".replace(",", "{,}")
        + rf" \Rightarrow {total}\ \text{{{unit}}} \approx {budget}\ ({error})$"
    )


def solution_frame(solution: Solution) -> Any:
    """One row per design (the answer, or every design, best first): its sizes, total,
    budget, relative error and unit."""
    pandas = load_pandas()
    rows = [
        {
            "family": d.family,
            "convention": d.convention,
            **d.sizes,
            "total": d.total,
            "budget": d.budget,
            "relative_error": d.relative_error,
            "unit": d.unit,
        }
        for d in _designs(solution)
    ]
    return pandas.DataFrame(rows)
