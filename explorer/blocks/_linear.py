"""A linear map: a weight matrix and, optionally, its bias; normalisations.

PyTorch's ``nn.Linear`` stores its weight as [out, in]; GPT-2's ``Conv1D`` as [in, out]
(``transposed``). The count is the same; the shape is shown as the framework has it.

Example:
    >>> import sympy
    >>> from explorer.blocks import Site
    >>> d = sympy.Symbol("d", positive=True)
    >>> terms = linear(Site("", "layers"), "dense", out=d, inputs=d, bias=True, title="dense",
    ...                block="mlp")
    >>> [(t.name, t.expr) for t in terms]
    [('dense.weight', d**2), ('dense.bias', d)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from explorer.algebra import Term

if TYPE_CHECKING:
    import sympy

    from explorer.blocks._site import Site

__all__ = ["linear", "norm"]


def linear(
    site: Site,
    name: str,
    *,
    out: sympy.Expr,
    inputs: sympy.Expr,
    bias: bool,
    title: str,
    block: str,
    transposed: bool = False,
    weight_suffix: str = ".weight",
    extras: tuple[tuple[str, str], ...] = (),
) -> list[Term]:
    """``NAME.weight`` [out, in] (or [in, out] ``transposed``) and ``NAME.bias`` [out];
    ``extras``: facts of the block's own for both roles (a transposed weight says so)."""
    shape = (inputs, out) if transposed else (out, inputs)
    if transposed:
        extras = (*extras, ("stored", "[in, out]"))
    terms = [
        Term(
            site.name(name + weight_suffix),
            "weight",
            shape,
            f"{title}: {'input' if transposed else 'output'} x "
            f"{'output' if transposed else 'input'} width",
            site.group,
            site.copies,
            site.role(name, title, block=block, feeds=True, extras=extras),
        )
    ]
    if bias:
        terms.append(
            Term(
                site.name(name + ".bias"),
                "bias",
                (out,),
                f"{title}: one bias per output",
                site.group,
                site.copies,
                site.role(name + ".bias", f"{title} bias", block=block, extras=extras),
            )
        )
    return terms


def norm(
    site: Site, name: str, *, width: sympy.Expr, bias: bool, title: str, block: str = "norm"
) -> list[Term]:
    """A LayerNorm (scale and shift: ``weight`` and ``bias``) or an RMSNorm (scale only);
    its roles say which (``("norm", "LayerNorm")``), whether the shift is counted or not;
    ``block``: whose words tell it (the norms' own by default)."""
    extras = (("norm", "LayerNorm" if bias else "RMSNorm"),)
    terms = [
        Term(
            site.name(name + ".weight"),
            "norm",
            (width,),
            f"{title}: one scale per feature",
            site.group,
            site.copies,
            site.role(name, title, block=block, extras=extras),
        )
    ]
    if bias:
        terms.append(
            Term(
                site.name(name + ".bias"),
                "bias",
                (width,),
                f"{title}: one shift per feature",
                site.group,
                site.copies,
                site.role(name + ".bias", f"{title} shift", block=block, extras=extras),
            )
        )
    return terms
