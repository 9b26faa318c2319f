"""Renderers of compute and memory: tables and JSON. Data in, text out.

Example:
    >>> import explorer
    >>> c = explorer.count("rnn", convention="weights", input=3, cells=2, seq=5)
    >>> print(compute_summary(c))  # doctest: +NORMALIZE_WHITESPACE
    forward pass, 5 tokens x 1 sequence: 50 MACs, 100 FLOPs (2 x MACs);
    training step 300 FLOPs (3 x forward; convention torch)
    >>> human_bytes(80 * 10**9)
    '80 GB (74.5 GiB)'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.algebra import Count
    from explorer.measures import Memory

__all__ = [
    "approximations_text",
    "compute_json",
    "compute_summary",
    "compute_table",
    "flops_formula_json",
    "flops_formula_text",
    "human_bytes",
    "memory_json",
    "memory_table",
]


def human_bytes(n: int) -> str:
    """``80 GB (74.5 GiB)``: decimal, then binary (for reading only).

    Example:
        >>> human_bytes(512), human_bytes(3 * 2**20)
        ('512 bytes', '3.15 MB (3 MiB)')
    """
    if n < 1000:
        return f"{n} bytes"
    for size, unit, bsize, bunit in (
        (10**15, "PB", 2**50, "PiB"),
        (10**12, "TB", 2**40, "TiB"),
        (10**9, "GB", 2**30, "GiB"),
        (10**6, "MB", 2**20, "MiB"),
        (10**3, "kB", 2**10, "KiB"),
    ):
        if n >= size:
            return f"{n / size:.3g} {unit} ({n / bsize:.3g} {bunit})"
    return f"{n} bytes"  # pragma: no cover - unreachable


def _extents(count: Count) -> dict[str, int]:
    return dict(count.extents)


def compute_summary(count: Count) -> str:
    """The forward pass's MACs and FLOPs, and a training step's, in one line."""
    extents = _extents(count)
    seq, batch = extents.get("seq"), extents.get("batch", 1)
    decoder = extents.get("decoder_seq")
    shown = (
        ""
        if decoder in (None, seq) or "decoder_seq" not in _own(count)
        else (f" (decoder {decoder})")
    )
    sequences = "sequence" if batch == 1 else "sequences"
    convention = count.compute_convention
    factor = 3 if convention is None else convention.training_factor
    name = "torch" if convention is None else convention.name
    return (
        f"forward pass, {seq} tokens{shown} x {batch} {sequences}: {count.macs:,} MACs, "
        f"{count.flops:,} FLOPs (2 x MACs); training step {count.training_flops:,} FLOPs "
        f"({factor} x forward; convention {name})"
    )


def approximations_text(count: Count) -> str:
    """The usual approximations of the FLOPs beside the exact figures, each with how far
    off it is (:func:`explorer.measures.approximations`).

    Example:
        >>> import explorer
        >>> c = explorer.count("gpt2", d_model=64, layers=2, heads=4, vocab=100, seq=16)
        >>> print(approximations_text(c))
        approximations for 16 tokens against the exact FLOPs (forward 3,481,600; training 10,444,800):
          2N per token                        5,505,024   +58.1%  N 172,032
          6N per training token               16,515,072  +58.1%  N 172,032
          Kaplan 2N + 2 n_layer n_ctx d_attn  3,268,608    -6.1%  N 100,096, n_layer 2, n_ctx 16, d_attn 64
    """  # noqa: E501 - the doctest's output is one line per approximation
    from explorer.measures import approximations

    found = approximations(count)
    rows = [
        (
            a.name,
            f"{a.flops:,}",
            f"{a.relative:+.1%}",
            ", ".join(f"{name} {value:,}" for name, value in a.terms if name != "tokens"),
        )
        for a in found
    ]
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    tokens = dict(found[0].terms)["tokens"]
    head = (
        f"approximations for {tokens:,} tokens against the exact FLOPs (forward "
        f"{count.flops:,}; training {count.training_flops:,}):"
    )
    lines = [
        f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}" for r in rows
    ]
    return "\n".join([head, *lines])


def _own(count: Count) -> set[str]:
    compute = count.compute
    return {s.keyword for s in compute.compiled.slots[len(count.values) :]}


def compute_table(count: Count) -> str:
    """Every matrix product of the forward pass: shape, copies, MACs and FLOPs."""
    compute = count.compute
    values = compute.breakdown
    shapes = compute.shapes
    rows: list[tuple[str, str, str, str, str, str]] = []
    current = None
    groups = compute.subtotals
    for term in compute.compiled.terms:
        if term.group != current:
            if current is not None:
                rows.append(("", "", "", "", f"{groups[current]:,}", f"subtotal {current}"))
            current = term.group
            rows.append((f"{term.group}:", "", "", "", "", ""))
        dims = shapes[term.name]
        flops = values[term.name]
        if term.kind == "attention" and len(dims) == 3 and _causal(term.shape_text):
            each = dims[0] * dims[1] * dims[2]  # FLOPs of one copy (T (T + 1) pairs x 2 / 2)
            shape = f"{term.shape_text[0]} x {term.shape_text[1]} ({term.shape_text[2]}) / 2"
        else:
            each = 2 * math.prod(dims)
            shape = " x ".join(term.shape_text)
        copies = flops // each if each else 0
        numeric = " x ".join(str(d) for d in dims)
        symbolic = _copies(term.copies_text, causal=shape.endswith("/ 2"))
        rows.append(
            (
                f"  {term.name}",
                term.kind,
                f"{symbolic} x {shape}" if symbolic else shape,
                f"{copies} x {numeric}" if copies != 1 else numeric,
                f"{flops:,}",
                f"{flops // 2:,} MACs",
            )
        )
    if current is not None:
        rows.append(("", "", "", "", f"{groups[current]:,}", f"subtotal {current}"))
    header = ("product", "kind", "rows x outputs x inputs", "as numbers", "FLOPs", "")
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(6)]

    def line(r: tuple[str, ...]) -> str:
        return (
            f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
            f"{r[3]:<{widths[3]}}  {r[4]:>{widths[4]}}  {r[5]}"
        ).rstrip()

    out = ["", compute_summary(count), line(header), *(line(r) for r in rows)]
    out.append(f"FLOPs formula: {compute.compiled.formula_text}")
    return "\n".join(out)


def _copies(text: str, *, causal: bool) -> str:
    """The symbolic copies of a product (its multiplicity is 2 x copies, causal: copies)."""
    import re

    if not causal:
        text = "1" if text == "2" else re.sub(r"^2\*", "", text)
    return "" if text == "1" else text


def _causal(shape_text: tuple[str, ...]) -> bool:
    return len(shape_text) == 3 and shape_text[2] == f"{shape_text[1]} + 1"


def compute_json(count: Count, *, terms: bool = False) -> dict[str, Any]:
    """``seq``, ``batch``, ``macs``, ``flops``, ``training_flops`` and the convention;
    with ``terms``, every product's FLOPs and MACs."""
    convention = count.compute_convention
    data: dict[str, Any] = {
        **_extents(count),
        "macs": count.macs,
        "flops": count.flops,
        "training_flops": count.training_flops,
        "compute_convention": {
            "name": "torch" if convention is None else convention.name,
            "flags": {} if convention is None else convention.flags(),
            "training_factor": 3 if convention is None else convention.training_factor,
        },
    }
    from explorer.measures import approximations

    data["approximations"] = [a.to_json() for a in approximations(count)]
    if terms:
        compute = count.compute
        values, shapes = compute.breakdown, compute.shapes
        data["compute_terms"] = [
            {
                "name": t.name,
                "kind": t.kind,
                "group": t.group,
                "shape": list(shapes[t.name]),
                "shape_symbolic": list(t.shape_text),
                "flops": values[t.name],
                "macs": values[t.name] // 2,
                "meaning": t.meaning,
            }
            for t in compute.compiled.terms
        ]
        data["flops_formula"] = compute.compiled.formula_text
    return data


def memory_table(memory: Memory) -> str:
    """The named byte terms and their total."""
    rows = [(t.name, f"{t.bytes:,}", human_bytes(t.bytes), t.meaning) for t in memory.terms]
    rows.append(("total", f"{memory.total:,}", human_bytes(memory.total), memory.convention.name))
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    out = ["", f"memory ({memory.convention.name}):"]
    out += [
        f"  {r[0]:<{widths[0]}}  {r[1]:>{widths[1]}} bytes  {r[2]:<{widths[2]}}  {r[3]}".rstrip()
        for r in rows
    ]
    if memory.kv_per_token is not None:
        out.append(f"  KV cache per token of one sequence: {human_bytes(memory.kv_per_token)}")
    return "\n".join(out)


def memory_json(memory: Memory) -> dict[str, Any]:
    """The memory figure as plain data."""
    return memory.to_json()


def _flops_expression(count: Count, *, expand: bool, leading: bool, symbolic: bool) -> Any:
    import sympy

    from explorer.render import leading_terms

    compute = count.compute
    expr = compute.formula if symbolic else compute.bound_formula()
    if leading:
        return leading_terms(expr)
    return sympy.expand(expr) if expand else expr


def flops_formula_text(
    count: Count,
    *,
    latex: bool = False,
    expand: bool = False,
    leading: bool = False,
    symbolic: bool = False,
) -> str:
    """The FLOPs of one forward pass as a closed form (2 x the MACs of every matrix
    product), sizes not given left as symbols, the sequence length T and batch B too."""
    import sympy

    expr = _flops_expression(count, expand=expand, leading=leading, symbolic=symbolic)
    if latex:
        return str(sympy.latex(expr))
    compute = count.compute
    convention = count.compute_convention
    name = "torch" if convention is None else convention.name
    from explorer.render import legend

    head = f"{count.title}, FLOPs of one forward pass (convention {name}) {'~' if leading else '='}"
    return "\n".join([head, f"  {expr}", "where", *legend(compute)])


def flops_formula_json(
    count: Count, *, expand: bool = False, leading: bool = False, symbolic: bool = False
) -> dict[str, Any]:
    """The FLOPs formula as text and LaTeX, its free symbols and their meanings."""
    import sympy

    expr = _flops_expression(count, expand=expand, leading=leading, symbolic=symbolic)
    compute = count.compute
    return {
        **count.context(),
        "flops_formula": str(expr),
        "latex": sympy.latex(expr),
        "leading": leading,
        "free": list(compute.free),
        "symbols": compute.meanings,
        "value": compute.total if not compute.free else None,
    }
