"""What sits on top of a Transformer's layers: embedding tables, the LM head (tied to the
token embedding or not), BERT's masked-LM head, poolers and classifiers.

Example:
    >>> import sympy
    >>> from explorer.blocks._site import Site
    >>> v, d = sympy.symbols("v d", positive=True)
    >>> table(Site("", "embeddings"), "wte", rows=v, width=d, title="token embedding")[0].expr
    d*v
"""

from __future__ import annotations

import sympy

from explorer.algebra._term import Term
from explorer.blocks._site import Site
from explorer.blocks.linear import linear, norm

__all__ = ["lm_head", "masked_lm_head", "table"]


def table(
    site: Site,
    name: str,
    *,
    rows: sympy.Expr,
    width: sympy.Expr,
    title: str,
    extras: tuple[tuple[str, str], ...] = (),
) -> list[Term]:
    """An embedding table (``nn.Embedding``): one row of ``width`` numbers per entry;
    ``extras``: what else reads it (``("tied", "LM head")``)."""
    return [
        Term(
            site.name(name + ".weight"),
            "embedding",
            (rows, width),
            f"{title}: one row of d_model numbers per entry",
            site.group,
            site.copies,
            site.role(name, title, block="embeddings", extras=extras),
        )
    ]


def lm_head(
    site: Site, name: str, *, vocab: sympy.Expr, d_model: sympy.Expr, tied: bool
) -> list[Term]:
    """The LM head [vocab, d_model]; tied, it is the token embedding, already counted
    (Press & Wolf 2017), so it adds nothing."""
    if tied:
        return []
    return linear(
        site,
        name,
        out=vocab,
        inputs=d_model,
        bias=False,
        title="LM head",
        block="head",
        extras=(("projection", "lm"),),
    )


def masked_lm_head(
    site: Site,
    *,
    vocab: sympy.Expr,
    d_model: sympy.Expr,
    tied: bool,
    norm_bias: bool,
) -> list[Term]:
    """BERT's masked-LM head (``cls.predictions``): a d_model x d_model transform, its
    LayerNorm, the decoder to the vocabulary and the decoder's bias. Tied, the decoder's
    weight is the word embedding and its bias is ``cls.predictions.bias``; untied, both
    are parameters of their own (Devlin et al. 2019; transformers 5)."""
    terms = linear(
        site,
        "cls.predictions.transform.dense",
        out=d_model,
        inputs=d_model,
        bias=True,
        title="masked-LM transform",
        block="head",
        extras=(("projection", "transform"),),
    )
    terms += norm(
        site,
        "cls.predictions.transform.LayerNorm",
        width=d_model,
        bias=norm_bias,
        title="masked-LM transform norm",
    )
    if not tied:
        terms += linear(
            site,
            "cls.predictions.decoder",
            out=vocab,
            inputs=d_model,
            bias=True,
            title="masked-LM decoder",
            block="head",
            extras=(("projection", "decoder"),),
        )
    terms.append(
        Term(
            site.name("cls.predictions.bias"),
            "bias",
            (vocab,),
            "masked-LM output bias: one per vocabulary entry",
            site.group,
            site.copies,
            site.role(
                "cls.predictions.bias",
                "masked-LM output bias",
                block="head",
                extras=(("projection", "output bias"), ("tied", "yes" if tied else "no")),
            ),
        )
    )
    return terms
