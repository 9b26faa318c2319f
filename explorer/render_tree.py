"""A count along the framework's module hierarchy, as torchinfo and DeepSpeed show a model:
each module's parameters (and, with a forward pass, its MACs) summed over what it holds, to
a chosen depth.

A term's name is its module path and its parameter (``model.layers.*.mlp.up_proj.weight``:
module ``model.layers.*.mlp.up_proj``); ``*`` stands for each of identical layers, shown
once with how many there are. A name without dots (PyTorch's recurrent ``weight_ih_l0``)
sits in its table group's module (``layer 0``).

Example:
    >>> import explorer
    >>> c = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100)
    >>> [(r.module, r.parameters) for r in module_tree(c, depth=2)][:3]
    [('model', 137792), ('model.embed_tokens', 6400), ('model.layers', 131328)]
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["TreeRow", "module_tree", "tree_json", "tree_table"]


class TreeRow(NamedTuple):
    """One module of the tree.

    Attributes:
        module: its path (``model.layers.*.self_attn``).
        depth: how deep it is (``model`` is 1).
        parameters: what it holds, every layer ``*`` stands for included.
        macs: its multiply-accumulates in the forward pass (``None``: no pass asked).
        layers: how many identical layers a ``*`` in its path stands for (1: none).
    """

    module: str
    depth: int
    parameters: int
    macs: int | None
    layers: int


def _module(name: str, group: str) -> list[str]:
    """A term's module path as parts (its last part, the parameter's own name, dropped)."""
    parts = name.split(".")
    if len(parts) == 1:  # flat names (weight_ih_l0): the table group is the module
        return [group]
    return parts[:-1]


def module_tree(count: Any, *, depth: int) -> list[TreeRow]:
    """The modules of a count down to ``depth``, in the order their terms come, each with
    the parameters (and MACs, when the count has a forward pass) of everything below it."""
    sums: dict[tuple[str, ...], list[int]] = {}
    layers: dict[tuple[str, ...], int] = {}
    order: list[tuple[str, ...]] = []
    values = count.breakdown
    shapes = count.shapes
    products: list[tuple[list[str], int]] = []
    if count.extents:  # a forward pass: each product is named by the module that runs it
        compute = count.compute
        flops = compute.breakdown
        modules = {tuple(_module(t.name, t.group)) for t in count.compiled.terms}
        for term in compute.compiled.terms:
            parts = term.name.split(".")
            if len(parts) == 1 and (term.name,) not in modules:  # flat: its table group
                parts = [term.group]
            products.append((parts, flops[term.name] // 2))
    for term in count.compiled.terms:
        parts = _module(term.name, term.group)
        copies = 1
        if "*" in parts:
            size = max(1, _product(shapes[term.name]))
            copies = values[term.name] // size if size else 1
        for k in range(1, min(depth, len(parts)) + 1):
            key = tuple(parts[:k])
            if key not in sums:
                sums[key] = [0, 0]
                order.append(key)
            sums[key][0] += values[term.name]
            if "*" in key:
                layers[key] = copies
    for parts, value in products:
        for k in range(1, min(depth, len(parts)) + 1):
            key = tuple(parts[:k])
            if key not in sums:
                sums[key] = [0, 0]
                order.append(key)
            sums[key][1] += value
    return [
        TreeRow(
            ".".join(key),
            len(key),
            sums[key][0],
            sums[key][1] if products else None,
            layers.get(key, 1),
        )
        for key in order
    ]


def _product(shape: tuple[int, ...]) -> int:
    found = 1
    for dimension in shape:
        found *= dimension
    return found


def tree_table(count: Any, *, depth: int) -> str:
    """The tree as indented text: module, layers, parameters (and MACs)."""
    rows = module_tree(count, depth=depth)
    with_macs = any(r.macs is not None for r in rows)
    shown = [
        (
            "  " * (r.depth - 1) + r.module.rsplit(".", 1)[-1]
            + (f" (x {r.layers:,})" if r.layers > 1 and r.module.endswith("*") else ""),
            f"{r.parameters:,}",
            "" if r.macs is None else f"{r.macs:,}",
        )
        for r in rows
    ]  # fmt: skip
    header = ("module", "parameters", "MACs" if with_macs else "")
    widths = [max(len(r[k]) for r in [header, *shown]) for k in range(3)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}".rstrip()
        for r in [header, *shown]
    ]
    total = f"total {count.total:,} parameters" + (f", {count.macs:,} MACs" if with_macs else "")
    return "\n".join([*lines, total])


def tree_json(count: Any, *, depth: int) -> list[dict[str, Any]]:
    """The tree as JSON rows."""
    return [row._asdict() for row in module_tree(count, depth=depth)]
