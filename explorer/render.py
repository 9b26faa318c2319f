"""Renderers: a count as a table, as JSON, a formula as text or LaTeX. Data in, text out.

Nothing here computes a count; nothing here imports sympy unless a formula is rendered.

Example:
    >>> import explorer
    >>> print(summary_line(explorer.count("rnn", convention="weights", input=3, cells=2)))
    rnn (convention weights): 10 parameters
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

from explorer.algebra import Count
from explorer.display import shape_text

if TYPE_CHECKING:
    from explorer.comparison import ConventionComparison
    from explorer.spec import SpecCount

    Countable: TypeAlias = Count | SpecCount

__all__ = [
    "FORMULA_ON_TERMINAL",
    "abbreviated",
    "comparison_json",
    "comparison_table",
    "count_json",
    "count_table",
    "formula_json",
    "formula_text",
    "human",
    "leading_terms",
    "legend",
    "shape_text",
    "solution_json",
    "solution_text",
    "summary_line",
]


def human(n: int) -> str:
    """``21.2M``, ``6.5k``, ``1.3B``; from a thousand T on, a power of ten (``8.4e18``)
    (for reading, never for comparing).

    Example:
        >>> human(21_252_205), human(950), human(1_300_000_000), human(8_396_799_999_995_965_440)
        ('21.3M', '950', '1.3B', '8.4e18')
    """
    units = ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "k"))
    sign = "-" if n < 0 else ""
    if abs(n) < 10**15:
        for above, (size, suffix) in zip((None, *units), units):
            if abs(n) >= size:
                text = f"{n / size:.3g}"
                if "e" not in text:
                    return text + suffix
                if above is not None:  # rounded up to a thousand: one unit up
                    return f"{sign}1{above[1]}"
                break  # a thousand T: a power of ten
        else:
            return str(n)
    exponent = math.floor(math.log10(abs(n)))  # near enough for any int; no str(n)
    mantissa = abs(n) / 10**exponent  # int / int: correctly rounded, however large
    if f"{mantissa:.3g}" == "10":
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{sign}{mantissa:.3g}e{exponent}"


def summary_line(count: Countable) -> str:
    """The answer in one line."""
    total = count.total
    short = f" ({human(total)})" if total >= 1000 else ""
    return f"{count.title}: {total:,} parameters{short}"


#: The formula's length shown on a terminal (a deep per-layer count's formula runs to
#: hundreds of thousands of characters); ``--full-formula`` shows all of it.
FORMULA_ON_TERMINAL = 400


def abbreviated(formula: str, limit: int | None) -> str:
    """``formula`` cut after its last whole term within ``limit`` characters, with what was
    left out said (``None``: the whole formula).

    Example:
        >>> abbreviated("4*a*b + 8*b + 3*c + 7", 14)
        '4*a*b + 8*b + ... (2 more terms, 21 characters in all; --full-formula shows it)'
        >>> abbreviated("4*a*b + 8*b", 14)
        '4*a*b + 8*b'
    """
    if limit is None or len(formula) <= limit:
        return formula
    cut = formula.rfind(" + ", 0, limit)
    if cut <= 0:
        cut = limit
    left = formula[cut:].count(" + ") + formula[cut:].count(" - ")
    more = f"{left:,} more terms, " if left else ""
    return (
        f"{formula[:cut]} + ... ({more}{len(formula):,} characters in all; --full-formula shows it)"
    )


def count_table(count: Countable, *, formula_limit: int | None = None) -> str:
    """Per-term shapes and counts, subtotals per layer, the total; the formula cut to
    ``formula_limit`` characters (see :func:`abbreviated`)."""
    values = count.breakdown
    shapes = count.shapes
    rows: list[tuple[str, str, str, str, str]] = []
    groups = count.subtotals
    current = None
    for term in count.compiled.terms:
        if term.group != current:
            if current is not None:
                rows.append(("", "", "", f"{groups[current]:,}", f"subtotal {current}"))
            current = term.group
            rows.append((f"{term.group}:", "", "", "", ""))
        symbolic = shape_text(term.shape_text)
        numeric = " x ".join(str(d) for d in shapes[term.name])
        if term.copies_text != "1":  # identical layers: how many, before the shape
            copies = values[term.name] // max(1, math.prod(shapes[term.name]))
            symbolic = shape_text([term.copies_text, *term.shape_text])
            numeric = f"{copies} x {numeric}"
        rows.append((f"  {term.name}", term.kind, f"{symbolic}", f"{values[term.name]:,}", numeric))
    if current is not None:
        rows.append(("", "", "", f"{groups[current]:,}", f"subtotal {current}"))
    header = ("term", "kind", "shape", "parameters", "as numbers")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(5)]

    def line(r: tuple[str, ...]) -> str:
        return (
            f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
            f"{r[3]:>{widths[3]}}  {r[4]}"
        ).rstrip()

    sizes = ", ".join(f"{k}={v}" for k, v in count.sizes.items())
    out = [
        summary_line(count),
        *([f"sizes: {sizes}"] if sizes else []),
        count.flags_text,
        "",
        line(header),
    ]
    out += [line(r) for r in rows]
    out.append("")
    out.append(f"total {count.total:,} = weights {count.weights:,} + biases {count.biases:,}")
    out += _breakdowns(count)
    out.append(f"formula: {abbreviated(count.compiled.formula_text, formula_limit)}")
    out += [f"note: {note}" for note in getattr(count, "notes", ())]
    return "\n".join(out)


def comparison_table(comparison: ConventionComparison) -> str:
    """The design's count under each convention, one row each, the range in one line first.

    Example:
        >>> from explorer.comparison import compare_conventions
        >>> print(comparison_table(compare_conventions("rnn", input=3, cells=2)))
        rnn (input=3, cells=2, layers=1): 10 to 14 parameters across 5 conventions
        <BLANKLINE>
        convention  total  weights  biases  counting
        weights        10       10       0  bias=none
        keras          12       10       2  bias=single
        pytorch        14       10       4  bias=double
        sak2014        10       10       0  bias=none
        graves2013     12       10       2  bias=single, skip
    """
    c = comparison
    totals = [row.count.total for row in c.counted if row.count is not None]
    low, high = min(totals), max(totals)
    span = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    rows = [("convention", "total", "weights", "biases", "counting")]
    for row in c.rows:
        if row.count is None:
            reason = "" if row.error is None else row.error.for_command_line()
            rows.append((row.convention, "-", "-", "-", f"refused: {reason}"))
            continue
        counting = row.count.flags_text.removeprefix("counting: ")
        rows.append(
            (
                row.convention,
                f"{row.count.total:,}",
                f"{row.count.weights:,}",
                f"{row.count.biases:,}",
                counting,
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    lines = [
        f"{c.family} ({_design(c.sizes)}): {span} parameters across {len(totals)} conventions",
        "",
    ]
    for r in rows:
        lines.append(
            f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  "
            f"{r[3]:>{widths[3]}}  {r[4]}"
        )
    return "\n".join(lines)


def comparison_json(comparison: ConventionComparison) -> dict[str, Any]:
    """One JSON-ready object: the design, and per convention its counts or why it refuses."""
    conventions: list[dict[str, Any]] = []
    for row in comparison.rows:
        if row.count is None:
            reason = "" if row.error is None else row.error.for_command_line()
            conventions.append({"convention": row.convention, "refused": reason})
        else:
            conventions.append(
                {
                    "convention": row.convention,
                    "total": row.count.total,
                    "weights": row.count.weights,
                    "biases": row.count.biases,
                    "flags": row.count.convention.flags(),
                    "formula": row.count.compiled.formula_text,
                }
            )
    return {"family": comparison.family, "sizes": comparison.sizes, "conventions": conventions}


def _breakdowns(count: Countable) -> list[str]:
    """The lines of the breakdowns the family asks for (none for a spec)."""
    asked = getattr(getattr(count, "family", None), "breakdowns", ())
    if not isinstance(count, Count):
        return []
    lines = []
    if "embedding" in asked:
        lines.append(f"embedding {count.embedding:,} + non-embedding {count.non_embedding:,}")
    if "blocks" in asked:
        lines.append("by block: " + ", ".join(f"{k} {v:,}" for k, v in count.by_block.items()))
    if "active" in asked and count.sparse:
        share = count.active / count.total
        lines.append(f"active per token: {count.active:,} ({share:.1%} of the total)")
    return lines


def count_json(count: Countable) -> dict[str, Any]:
    """One JSON-ready object: total, weights, biases, terms, formula, and context."""
    values = count.breakdown
    shapes = count.shapes
    return {
        **count.context(),
        "sizes": count.sizes,
        "total": count.total,
        "weights": count.weights,
        "biases": count.biases,
        "terms": [
            {
                "name": t.name,
                "kind": t.kind,
                "group": t.group,
                "shape": list(shapes[t.name]),
                "shape_symbolic": list(t.shape_text),
                "copies": t.copies_text,
                "count": values[t.name],
                "meaning": t.meaning,
            }
            for t in count.compiled.terms
        ],
        "subtotals": count.subtotals,
        "formula": count.compiled.formula_text,
        "symbols": {s.symbol: s.label for s in count.compiled.slots},
        **_breakdowns_json(count),
    }


def _breakdowns_json(count: Countable) -> dict[str, Any]:
    if not isinstance(count, Count):
        return {}
    data: dict[str, Any] = {
        "embedding": count.embedding,
        "non_embedding": count.non_embedding,
        "by_block": count.by_block,
        "notes": list(count.notes),
    }
    if count.sparse:
        data["active"] = count.active
    return data


def formula_text(
    count: Countable,
    *,
    latex: bool = False,
    expand: bool = False,
    leading: bool = False,
    symbolic: bool = False,
) -> str:
    """The closed form with the given sizes substituted (or, ``symbolic``, every size a
    symbol with its value in the legend), as text or LaTeX; ``leading``: its terms of the
    highest total degree only."""
    import sympy

    expr = _expression(count, expand=expand, leading=leading, symbolic=symbolic)
    text = sympy.latex(expr) if latex else str(expr)
    if latex:
        return text
    where = legend(count)
    head = f"{count.title}, P {'~' if leading else '='}"
    return "\n".join([head, f"  {text}", "where", *where])


def formula_json(
    count: Countable, *, expand: bool = False, leading: bool = False, symbolic: bool = False
) -> dict[str, Any]:
    """The formula as text and LaTeX, its free symbols and its terms."""
    import sympy

    expr = _expression(count, expand=expand, leading=leading, symbolic=symbolic)
    return {
        **count.context(),
        "formula": str(expr),
        "latex": sympy.latex(expr),
        "expanded": str(sympy.expand(expr)),
        "leading": leading,
        "free": list(count.free),
        "symbols": count.meanings,
        "sizes": {k: v for k, v in count.sizes.items() if v is not None},
        "value": count.total if not count.free else None,
        "terms": _term_counts(count, symbolic=symbolic),
    }


def _term_counts(count: Countable, *, symbolic: bool) -> list[dict[str, Any]]:
    """Each term's name, kind, group and count: a number when every size is given (read
    from the compiled terms: no sympy), else its formula with the given sizes put in."""
    if not symbolic and not count.free:
        return [
            {"name": t.name, "kind": t.kind, "group": t.group, "count": str(value)}
            for t, value in zip(count.compiled.terms, count.breakdown.values())
        ]
    mapping = (
        {} if symbolic else {s: v for s, v in zip(count.symbols, count.values) if v is not None}
    )
    return [
        {
            "name": t.name,
            "kind": t.kind,
            "group": t.group,
            "count": str(t.expr.xreplace(mapping)),
        }
        for t in count.terms
    ]


def _expression(count: Countable, *, expand: bool, leading: bool, symbolic: bool) -> Any:
    import sympy

    expr = count.formula if symbolic else count.bound_formula()
    if leading:
        return leading_terms(expr)
    return sympy.expand(expr) if expand else expr


def leading_terms(expr: Any) -> Any:
    """The terms of the highest total degree in the sizes (the depth counts as a size).

    Example:
        >>> import sympy
        >>> L, d, V = sympy.symbols("L d V", positive=True)
        >>> leading_terms(12*L*d**2 + 13*L*d + V*d)
        12*L*d**2
    """
    import sympy

    expanded = sympy.expand(expr)
    symbols = sorted(expanded.free_symbols, key=str)
    if not symbols:
        return expanded
    poly = sympy.Poly(expanded, *symbols)
    top = poly.total_degree()
    return sympy.Add(
        *(
            coefficient * sympy.Mul(*(s**e for s, e in zip(symbols, exponents)))
            for exponents, coefficient in poly.terms()
            if sum(exponents) == top
        )
    )


def legend(count: Countable) -> list[str]:
    """What each symbol of a formula stands for, and its value (or ``free``)."""
    lines = []
    meanings = count.meanings  # built once: a slot per layer makes it long
    for slot, value in zip(count.compiled.slots, count.values):
        shown = "free" if value is None else f"= {value}"
        lines.append(f"  {slot.symbol:<5} {shown:<8} {meanings[slot.symbol]}")
    return lines


# -- solutions -------------------------------------------------------------------------------
def _percent(relative: float) -> str:
    return f"{relative * 100:+.3g}%"


def _design(sizes: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sizes.items())


def solution_text(solution: Any, *, top: int = 20) -> str:
    """The answer in one line first, then the design, neighbours, method and assumptions."""
    s = solution
    unit = getattr(s, "unit", "parameters")
    lines = [
        f"{s.free} = {s.value:,} -> {s.total:,} {unit} for a budget of {s.budget:,} "
        f"({_percent(s.relative_error)})",
        f"design: {s.family} (convention {s.convention}): {_design(s.sizes)}",
    ]
    if unit != "parameters":
        lines.append(f"measure: {s.measure}; the design has {s.parameters:,} parameters")
    sides = []
    if s.below is not None:
        sides.append(
            f"{s.free} {s.below.value:,} -> {s.below.total:,} "
            f"({_percent((s.below.total - s.budget) / s.budget)})"
        )
    if s.above is not None:
        sides.append(
            f"{s.free} {s.above.value:,} -> {s.above.total:,} "
            f"({_percent((s.above.total - s.budget) / s.budget)})"
        )
    lines.append(f"mode {s.mode}; neighbours: " + "; ".join(sides))
    lines.append(f"method: {s.method}; {s.evaluations} exact counts checked")
    for note in s.assumptions:
        lines.append(f"assumed: {note}")
    for note in s.notes:
        lines.append(f"note: {note}")
    if s.alternatives:
        lines += ["", f"{len(s.alternatives)} designs, {s.rule}:"]
        header = ("#", "family", "design", "total", "error")
        rows = [
            (
                str(k + 1),
                a.family,
                _design({key: a.sizes[key] for key in a.sizes if key not in ("input", "output")}),
                f"{a.total:,}",
                _percent(a.relative_error),
            )
            for k, a in enumerate(s.alternatives[:top])
        ]
        widths = [max(len(r[c]) for r in [header, *rows]) for c in range(5)]
        for r in [header, *rows]:
            lines.append(
                f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
                f"{r[3]:>{widths[3]}}  {r[4]:>{widths[4]}}"
            )
        if len(s.alternatives) > top:
            lines.append(f"... {len(s.alternatives) - top} more (--top N, or --json for all)")
    return "\n".join(lines)


def solution_json(solution: Any) -> dict[str, Any]:
    """One JSON-ready object: sizes, total, budget, relative_error and the rest."""
    data: dict[str, Any] = solution.to_json()
    return data
