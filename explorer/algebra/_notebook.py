"""A count in a notebook: its terms as an HTML table, its closed form as LaTeX, its terms
as a pandas frame (pandas optional). :class:`Count`'s ``_repr_html_``, ``_repr_latex_`` and
``to_pandas`` call these.

Example:
    >>> import explorer
    >>> c = explorer.count("rnn", convention="weights", input=3, cells=2)
    >>> print(count_latex(c))
    $P = n_{c}^{2} + n_{c} n_{i} = 10$
    >>> "<td>weight_ih_l0</td>" in count_html(c)
    True
"""

from __future__ import annotations

from typing import Any

from explorer.display import MAX_ROWS, html_table, load_pandas, number, shape_text

#: A count as these views read it (:class:`explorer.algebra.Count`; a spec's count).
Count = Any

__all__ = ["count_frame", "count_html", "count_latex"]

#: Terms beyond which a LaTeX formula would be pages long: the total is shown alone.
_MAX_LATEX_TERMS = 64


def count_html(count: Count) -> str:
    """The terms as an HTML table: name, kind, shape, parameters; the total last."""
    bound = None not in count.values
    values = count.breakdown if bound else {}
    terms = count.compiled.terms
    rows = [
        [
            t.name,
            t.kind,
            shape_text([t.copies_text, *t.shape_text] if t.copies_text != "1" else t.shape_text),
            number(values.get(t.name)),
        ]
        for t in terms[:MAX_ROWS]
    ]
    note = f"... {len(terms) - MAX_ROWS:,} more terms (toload_pandas() has them all)"
    if bound:
        rows.append(["total", "", "", f"{count.total:,}"])
    caption = f"{count.title}: " + (
        f"{count.total:,} parameters" if bound else f"free sizes {', '.join(count.free)}"
    )
    return html_table(
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
    pandas = load_pandas()
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
