"""Matrix products as named compute terms: what a block computes, beside what it holds.

A product of an M x K matrix by a K x N one costs M x N x K multiply-accumulates (MACs)
and 2 x M x N x K FLOPs, as ``torch.utils.flop_counter.FlopCounterMode`` counts ``mm``,
``addmm`` and ``bmm``. A compute term has the shape ``(M, N, K)``; its value is the FLOPs
(``multiplicity`` = 2 x the copies), so that causal attention's T (T + 1) / 2 stays an
integer polynomial: its term has the shape ``(M, T, T + 1)`` and the copies alone.

Example:
    >>> import sympy
    >>> B, T, d = sympy.symbols("B T d", positive=True)
    >>> t = product("dense", rows=B * T, out=4 * d, inputs=d, meaning="dense", group="layers",
    ...             copies=sympy.Integer(1), role=None)
    >>> t.expr  # FLOPs
    8*B*T*d**2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term

if TYPE_CHECKING:
    import sympy

    from explorer.blocks._site import Site

__all__ = ["ATTENTION", "MATMUL", "causal_pairs", "product", "projection"]

#: The kind of a product of activations by a weight matrix.
MATMUL = "matmul"
#: The kind of a product of activations by activations (attention scores, weighted values).
ATTENTION = "attention"


def product(
    name: str,
    *,
    rows: sympy.Expr,
    out: sympy.Expr,
    inputs: sympy.Expr,
    meaning: str,
    group: str,
    copies: sympy.Expr,
    role: Role | None,
    kind: str = MATMUL,
) -> Term:
    """One matrix product repeated ``copies`` times: ``rows`` x ``inputs`` by ``inputs`` x
    ``out``; its value is the FLOPs, 2 x copies x rows x out x inputs."""
    return Term(
        name,
        kind,
        (rows, out, inputs),
        meaning,
        group,
        2 * copies,
        role if role is not None else Role(name, meaning),
    )


def projection(
    at: Site,
    local: str,
    *,
    rows: Any,
    out: Any,
    inputs: Any,
    title: str,
    block: str,
    repeats: int = 1,
) -> Term:
    """One block's matrix product at a site: ``local`` named there, in its group, its
    copies (times ``repeats``, a product made that many times per layer), its role.

    Example:
        >>> import sympy
        >>> from explorer.blocks._site import Site
        >>> B, T, d = sympy.symbols("B T d", positive=True)
        >>> t = projection(Site("layers.*.", "layers", "*", sympy.Symbol("L")), "mlp.up",
        ...                rows=B * T, out=4 * d, inputs=d, title="MLP up", block="mlp")
        >>> t.name, t.expr, t.meaning
        ('layers.*.mlp.up', 8*B*L*T*d**2, 'MLP up: rows x outputs x inputs')
    """
    return product(
        at.name(local),
        rows=rows,
        out=out,
        inputs=inputs,
        meaning=f"{title}: rows x outputs x inputs",
        group=at.group,
        copies=at.copies if repeats == 1 else repeats * at.copies,
        role=at.role(local, title, block=block),
    )


def causal_pairs(
    name: str,
    *,
    width: sympy.Expr,
    length: sympy.Expr,
    meaning: str,
    group: str,
    copies: sympy.Expr,
    role: Role | None,
) -> Term:
    """A causal self-attention product: ``width`` (batch x heads x head width) channels
    over the T (T + 1) / 2 query-key pairs; its value is the FLOPs,
    copies x width x T x (T + 1)."""
    return Term(
        name,
        ATTENTION,
        (width, length, length + 1),
        meaning,
        group,
        copies,
        role if role is not None else Role(name, meaning),
    )
