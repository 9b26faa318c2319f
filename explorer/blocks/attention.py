"""Attention: query, key, value and output projections, separate or fused.

Query width = heads x head_dim; key and value width = kv_heads x head_dim (multi-head when
``kv_heads = heads``, grouped-query when fewer, multi-query when 1). Fused variants: one
``qkv`` matrix (GPT-NeoX ``query_key_value``, GPT-2 ``c_attn``), or a fused ``kv`` beside
a separate query (GPT-2's cross-attention).

Example:
    >>> import sympy
    >>> from explorer.blocks._site import Site
    >>> d, w, kv = sympy.symbols("d w kv", positive=True)
    >>> names = AttentionNames(q="q_proj", k="k_proj", v="v_proj", o="o_proj")
    >>> terms = attention(Site("", "layers"), names, d_model=d, q_width=w, kv_width=kv,
    ...                   qkv_bias=False, o_bias=False)
    >>> sum(t.expr for t in terms)
    2*d*kv + 2*d*w
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the families import the names below: no sympy at their import
    import sympy

    from explorer.algebra._term import Term
    from explorer.blocks._site import Site

__all__ = ["AttentionNames", "attention", "relative_position_bias"]


@dataclass(frozen=True, slots=True)
class AttentionNames:
    """The local names of one attention's matrices (a framework's vocabulary).

    Set ``q``, ``k``, ``v`` for separate projections, ``qkv`` for one fused matrix, or
    ``q`` and ``kv`` for a separate query and fused key-value; ``o`` is the output.
    """

    q: str = ""
    k: str = ""
    v: str = ""
    o: str = ""
    qkv: str = ""
    kv: str = ""


def attention(
    site: Site,
    names: AttentionNames,
    *,
    d_model: sympy.Expr,
    q_width: sympy.Expr,
    kv_width: sympy.Expr,
    qkv_bias: bool,
    o_bias: bool,
    transposed: bool = False,
    title: str = "self-attention",
    block: str = "attention",
    kv_input: sympy.Expr | None = None,
) -> list[Term]:
    """The projections of one attention: queries, keys, values in; the output back to
    ``d_model``. ``kv_input``: the width keys and values read (cross-attention over an
    encoder of another width); ``d_model`` by default. Each role says which projection
    it is (``("projection", "q")``: ``q``, ``k``, ``v``, ``qkv``, ``kv`` or ``o``)."""
    from explorer.blocks.linear import linear

    source = d_model if kv_input is None else kv_input

    def projection(
        name: str, out: sympy.Expr, inputs: sympy.Expr, what: str, code: str
    ) -> list[Term]:
        return linear(
            site,
            name,
            out=out,
            inputs=inputs,
            bias=qkv_bias,
            title=f"{title} {what}",
            block=block,
            transposed=transposed,
            extras=(("projection", code),),
        )

    if names.qkv:
        terms = projection(
            names.qkv, q_width + 2 * kv_width, d_model, "query, key and value", "qkv"
        )
    else:
        terms = projection(names.q, q_width, d_model, "query", "q")
        if names.kv:
            terms += projection(names.kv, 2 * kv_width, source, "key and value", "kv")
        else:
            terms += projection(names.k, kv_width, source, "key", "k")
            terms += projection(names.v, kv_width, source, "value", "v")
    terms += linear(
        site,
        names.o,
        out=d_model,
        inputs=q_width,
        bias=o_bias,
        title=f"{title} output",
        block=block,
        transposed=transposed,
        extras=(("projection", "o"),),
    )
    return terms


def relative_position_bias(
    site: Site, name: str, *, buckets: sympy.Expr, heads: sympy.Expr
) -> list[Term]:
    """T5's learned relative position bias: one scalar per distance bucket and head,
    shared by every layer of its stack, stored in the first layer (Raffel et al. 2020)."""
    from explorer.algebra._term import Term

    return [
        Term(
            site.name(name + ".weight"),
            "embedding",
            (buckets, heads),
            "relative position bias: one value per distance bucket and head",
            site.group,
            site.copies,
            site.role(name, "relative position bias", block="relative position bias"),
        )
    ]
