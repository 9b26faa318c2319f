"""Renderers for notebooks and data frames: HTML tables, LaTeX formulas, pandas.

Jupyter shows an object by its ``_repr_html_`` or ``_repr_latex_``; :class:`Count` and
:class:`Solution` have both, and each only calls a function here (compute data, render
elsewhere). ``to_pandas()`` gives a :class:`pandas.DataFrame` (pandas is optional: imported
when asked, with a clear error without it).

Example:
    >>> import explorer
    >>> c = explorer.count("rnn", convention="weights", input=3, cells=2)
    >>> print(count_latex(c))
    $P = n_{c}^{2} + n_{c} n_{i} = 10$
    >>> "<td>weight_ih_l0</td>" in count_html(c)
    True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.algebra import Count
    from explorer.solver import Solution

__all__ = [
    "MAX_ROWS",
    "count_frame",
    "count_html",
    "count_latex",
    "solution_frame",
    "solution_html",
    "solution_latex",
]

#: Term rows an HTML table shows (a deep per-layer count has hundreds of thousands); the
#: rest is said in a last row. ``to_pandas()`` has every row.
MAX_ROWS = 200
#: Terms beyond which a LaTeX formula would be pages long: the total is shown alone.
_MAX_LATEX_TERMS = 64


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ModuleNotFoundError(
            "to_pandas() needs pandas, which is not installed: pip install pandas "
            "(or pip install 'explorer[notebook]')",
            name="pandas",
        ) from None
    return pandas


def _table(header: list[str], rows: list[list[str]], *, caption: str, note: str = "") -> str:
    """An HTML table; every cell escaped, numbers right-aligned."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            numeric = cell.replace(",", "").lstrip("+-").replace(".", "", 1).rstrip("%").isdigit()
            style = ' style="text-align:right"' if numeric else ""
            cells.append(f"<td{style}>{html.escape(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    if note:
        body.append(f'<tr><td colspan="{len(header)}"><i>{html.escape(note)}</i></td></tr>')
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


# -- Count ----------------------------------------------------------------------------------
def count_html(count: Count) -> str:
    """The terms as an HTML table: name, kind, shape, parameters; the total last."""
    from explorer.render import shape_text

    bound = None not in count.values
    values = count.breakdown if bound else {}
    terms = count.compiled.terms
    rows = [
        [
            t.name,
            t.kind,
            shape_text([t.copies_text, *t.shape_text] if t.copies_text != "1" else t.shape_text),
            _number(values.get(t.name)),
        ]
        for t in terms[:MAX_ROWS]
    ]
    note = f"... {len(terms) - MAX_ROWS:,} more terms (to_pandas() has them all)"
    if bound:
        rows.append(["total", "", "", f"{count.total:,}"])
    caption = f"{count.title}: " + (
        f"{count.total:,} parameters" if bound else f"free sizes {', '.join(count.free)}"
    )
    return _table(
        ["term", "kind", "shape", "parameters"],
        rows,
        caption=caption,
        note=note if len(terms) > MAX_ROWS else "",
    )


def count_latex(count: Count) -> str:
    """The closed form as LaTeX, ``P = ... = total`` (the total alone for a formula of
    more than a page)."""
    total = f" = {count.total:,}".replace(",", "{,}") if None not in count.values else ""
    if len(count.compiled.terms) > _MAX_LATEX_TERMS:
        return f"$P{total}$" if total else f"$P$ ({len(count.compiled.terms):,} terms)"
    import sympy

    return f"$P = {sympy.latex(count.formula)}{total}$"


def count_frame(count: Count) -> Any:
    """One row per term: name, kind, group, shape, parameters, meaning."""
    pandas = _pandas()
    values = count.breakdown if None not in count.values else {}
    shapes = count.shapes if values else {}
    rows = [
        {
            "name": t.name,
            "kind": t.kind,
            "group": t.group,
            "shape": " x ".join(t.shape_text),
            "shape_numbers": shapes.get(t.name),
            "copies": t.copies_text,
            "parameters": values.get(t.name),
            "meaning": t.meaning,
        }
        for t in count.compiled.terms
    ]
    return pandas.DataFrame(rows).set_index("name")


# -- Solution -------------------------------------------------------------------------------
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
    return _table(
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
    pandas = _pandas()
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
