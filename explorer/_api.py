"""The public front door: keyword-only, validated here, so everything below may trust it."""

from __future__ import annotations

from typing import Any

from explorer.algebra import Count
from explorer.algebra._build import _BY_IDENTITY, count_of, slots_of
from explorer.algebra._count import make_count
from explorer.conventions import CONVENTIONS, Convention, resolve_convention
from explorer.families import FAMILIES, Family, get_family

__all__ = ["count", "formula"]


def count(family: str, *, convention: str | Convention | None = None, **sizes: Any) -> Count:
    """Count the parameters of a design exactly.

    Args:
        family: a registered family (``explorer.FAMILIES``): ``rnn``, ``lstm``, ``lstmp``,
            ``gru`` ...
        convention: a preset of the family's kind (``weights``, ``keras``, ``pytorch``,
            ``sak2014``, ``graves2013`` for recurrent families); ``None``: the family's
            default.
        **sizes: the family's keywords (``explorer.FAMILIES[family].keywords``; recurrent:
            ``input``, ``cells`` (int or one per layer), ``layers`` (default 1),
            ``output``, ``proj``, ``nonrec_proj``, ``bidirectional``, ``merge``, ``vocab``,
            ``tied``) or their aliases (``hidden_size``, ``num_layers`` ...), and the
            convention's flags to override (``bias``, ``peepholes``, ``skip`` ...).

    Example:
        >>> count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34).total
        21166080
        >>> count("lstm", convention="graves2013", input=205, cells=700, layers=5, output=205).total
        21252205
        >>> count("LSTM", input_size=39, hidden_size=1024, num_layers=3).total
        21155840
    """
    # Fast path for the common request (a preset by name, plain sizes); anything it
    # declines goes through the general path, which also explains errors.
    if type(family) is str and (convention is None or type(convention) is str):
        pair = _PRESETS.get((family, convention))
        if pair is None:
            chosen = FAMILIES.get(family)
            rules = (
                None if chosen is None else CONVENTIONS.get(convention or chosen.default_convention)
            )
            if chosen is not None and rules is not None and chosen.kind == rules.KIND:
                pair = _PRESETS[(family, convention)] = (chosen, rules)
        if pair is not None:
            fast = pair[0].parse_fast(sizes, pair[1])
            if fast is not None:
                known = _BY_IDENTITY.get(id(fast[0]))  # count_of's first step, inlined
                if (
                    known is not None
                    and known[0] is fast[0]
                    and known[1] is pair[0]
                    and known[2][2] is None
                ):
                    return make_count(pair[0], fast[0], pair[1], known[2][1], fast[1])
                return count_of(pair[0], fast[0], pair[1], fast[1])
    return _count(family, convention, sizes, symbolic=False)


#: (family name, preset name or None) -> the family and the convention, for the fast path
_PRESETS: dict[tuple[str, str | None], tuple[Family, Convention]] = {}


def formula(family: str, *, convention: str | Convention | None = None, **sizes: Any) -> Count:
    """The count with every size not given left as a symbol, the depth included.

    Optional parts that should be present with a symbolic size are passed as ``True``
    (``output=True`` adds an output layer of ``n_o`` units).

    Example:
        >>> formula("lstm", convention="weights", output=True).formula
        8*n_c**2*(L - 1) + 4*n_c**2 + 4*n_c*n_i + n_c*n_o
    """
    return _count(family, convention, sizes, symbolic=True)


def _count(
    family: str, convention: str | Convention | None, sizes: dict[str, Any], *, symbolic: bool
) -> Count:
    chosen = get_family(family)
    given = chosen.canonical(sizes)
    overrides = {f.name: given.pop(f.name) for f in chosen.flags if f.name in given}
    rules = resolve_convention(
        chosen.default_convention if convention is None else convention,
        kind=chosen.kind,
        **overrides,
    )
    structure, values = chosen.parse(given, rules, explicit=overrides, symbolic=symbolic)
    bound = tuple(
        values[s.keyword]
        if s.layer is None or values[s.keyword] is None
        else values[s.keyword][s.layer]
        for s in slots_of(chosen, structure)
    )
    return count_of(chosen, structure, rules, bound)
