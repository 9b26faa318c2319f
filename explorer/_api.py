"""The public front door: keyword-only, validated here, so everything below may trust it."""

from __future__ import annotations

from typing import Any

from explorer.algebra import Count
from explorer.algebra._build import compiled_count
from explorer.conventions import CONVENTIONS, FLAGS, Convention, resolve_convention
from explorer.families import FAMILIES, get_family

__all__ = ["count", "formula"]

_FLAG_SET = frozenset(FLAGS)


def count(family: str, *, convention: str | Convention = "pytorch", **sizes: Any) -> Count:
    """Count the parameters of a design exactly.

    Args:
        family: ``rnn``, ``lstm``, ``lstmp`` or ``gru``.
        convention: ``weights``, ``keras``, ``pytorch``, ``sak2014`` or ``graves2013``.
        **sizes: ``input``, ``cells`` (int or one per layer), ``layers`` (default 1),
            ``output``, ``proj``, ``nonrec_proj``, ``bidirectional``, ``merge``, ``vocab``,
            ``tied``, and the convention overrides ``bias``, ``peepholes``, ``skip``,
            ``output_bias``, ``reset_after``.

    Example:
        >>> count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34).total
        21166080
        >>> count("lstm", convention="graves2013", input=205, cells=700, layers=5, output=205).total
        21252205
    """
    # Fast path for the common request (a preset by name, no overrides, plain sizes);
    # anything it declines goes through the general path, which also explains errors.
    if type(convention) is str and _FLAG_SET.isdisjoint(sizes):
        chosen, rules = FAMILIES.get(family), CONVENTIONS.get(convention)
        if chosen is not None and rules is not None:
            fast = chosen.parse_fast(sizes, rules)
            if fast is not None:
                return Count(chosen, fast[0], rules, compiled_count(chosen, fast[0]), fast[1])
    return _count(family, convention, sizes, symbolic=False)


def formula(family: str, *, convention: str | Convention = "pytorch", **sizes: Any) -> Count:
    """The count with every size not given left as a symbol, the depth included.

    Optional parts that should be present with a symbolic size are passed as ``True``
    (``output=True`` adds an output layer of ``n_o`` units).

    Example:
        >>> formula("lstm", convention="weights", output=True).formula
        8*n_c**2*(L - 1) + 4*n_c**2 + 4*n_c*n_i + n_c*n_o
    """
    return _count(family, convention, sizes, symbolic=True)


def _count(
    family: str, convention: str | Convention, sizes: dict[str, Any], *, symbolic: bool
) -> Count:
    chosen = get_family(family)
    overrides = {flag: sizes.pop(flag) for flag in FLAGS if flag in sizes}
    rules = resolve_convention(convention, **overrides)
    structure, values = chosen.parse(sizes, rules, explicit=overrides, symbolic=symbolic)
    compiled = compiled_count(chosen, structure)
    bound = tuple(
        values[s.keyword]
        if s.layer is None or values[s.keyword] is None
        else values[s.keyword][s.layer]
        for s in compiled.slots
    )
    return Count(chosen, structure, rules, compiled, bound)
