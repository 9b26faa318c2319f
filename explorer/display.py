"""Showing counts and solutions: a term's shape as text, HTML tables for notebooks, and
pandas when it is installed (standard library only; the renderers above and the views of
``Count`` and ``Solution`` use these).

Example:
    >>> shape_text(["4*n_c", "n_p + n_r"])
    '4*n_c x (n_p + n_r)'
    >>> 'style="text-align:right">1,024</td>' in html_table(["a"], [["1,024"]], caption="c")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["MAX_ROWS", "html_table", "load_pandas", "number", "shape_text"]

#: Rows an HTML table shows (a deep per-layer count has hundreds of thousands); the rest
#: is said in a last row. ``to_pandas()`` has every row.
MAX_ROWS = 200


def shape_text(dimensions: Sequence[str]) -> str:
    """A shape as ``rows x columns``, a dimension that is a sum in parentheses.

    Example:
        >>> shape_text(["4*n_c", "n_p + n_r"]), shape_text(["2*(n_p + n_r)", "n_c"])
        ('4*n_c x (n_p + n_r)', '2*(n_p + n_r) x n_c')
    """
    return " x ".join(f"({d})" if _is_sum(d) and len(dimensions) > 1 else d for d in dimensions)


def _is_sum(text: str) -> bool:
    """Whether a sympy-printed expression has a ``+`` or ``-`` outside parentheses."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char in "+-" and depth == 0 and index > 0 and text[index - 1] == " ":
            return True
    return False


def load_pandas() -> Any:
    """pandas, imported when asked; a clear error without it."""
    try:
        import pandas
    except ImportError:
        raise ModuleNotFoundError(
            "to_pandas() needs pandas, which is not installed: pip install pandas "
            "(or pip install 'explorer[notebook]')",
            name="pandas",
        ) from None
    return pandas


def html_table(header: list[str], rows: list[list[str]], *, caption: str, note: str = "") -> str:
    """An HTML table; every cell escaped, numbers right-aligned."""
    import html

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


def number(value: int | None) -> str:
    """``1,024``; ``""`` for no value."""
    return "" if value is None else f"{value:,}"
