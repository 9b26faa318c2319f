"""A formula someone wrote, checked against the true count: :func:`compare_formula`.

Example:
    >>> cmp = compare_formula("rnn", "h*(x + h)", convention="keras", input=3, cells=2)
    >>> cmp.true_formula, cmp.difference_value
    ('h**2 + h*x + h', Fraction(2, 1))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from explorer.errors import ExplorerError, FormulaError, UsageError
from explorer.explain._difference import Cause, json_number
from explorer.explain._explanation import title
from explorer.explain._find_causes import find_causes
from explorer.explain._formula import check_magnitude, parse_formula
from explorer.explain._frame import Frame
from explorer.explain._names import resolve_names, sizes_for
from explorer.explain._sentences import sum_text

if TYPE_CHECKING:
    from explorer.algebra import Count
    from explorer.expressions import Expression
    from explorer.families import Family

__all__ = ["FormulaComparison", "compare_formula"]


@dataclass(frozen=True, slots=True)
class FormulaComparison:
    """A formula someone wrote against the true count, and the causes of the difference.

    ``difference`` is ``true - formula`` in the formula's names, written as the sum of the
    causes' shares; ``difference_expanded`` is the same polynomial expanded. ``note``
    says why there are no causes (the formula agrees, or is not a polynomial), or sums
    up many terms left out by kind.
    """

    formula: str
    title: str
    mapping: tuple[tuple[str, str], ...]
    guessed: bool
    sizes: tuple[tuple[str, int], ...]
    formula_value: Fraction
    true_value: int
    true_formula: str
    difference: str
    difference_expanded: str
    causes: tuple[Cause, ...]
    note: str = ""

    @property
    def difference_value(self) -> Fraction:
        """``true - formula`` for the given sizes."""
        return self.true_value - self.formula_value

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready object."""
        return {
            "formula": self.formula,
            "title": self.title,
            "mapping": dict(self.mapping),
            "guessed": self.guessed,
            "sizes": dict(self.sizes),
            "formula_value": json_number(self.formula_value),
            "true_value": self.true_value,
            "true_formula": self.true_formula,
            "difference": self.difference,
            "difference_expanded": self.difference_expanded,
            "difference_value": json_number(self.difference_value),
            "causes": [c.to_json() for c in self.causes],
            "note": self.note,
        }


def compare_formula(
    family: str,
    text: str,
    *,
    convention: str | None = None,
    mapping: Mapping[str, str] | None = None,
    **sizes: Any,
) -> FormulaComparison:
    """Evaluate a formula, compare it with the true count, and name the causes.

    Args:
        family: the family the formula claims to count.
        text: the formula; only numbers, names, ``+ - * / **`` and parentheses.
        convention: the convention of the true count (``None``: the family's default).
        mapping: formula name -> size keyword (``{"nc": "cells"}``); without it, the names
            are guessed from the family's declared guesses (``nc``, ``hidden``, ``h`` ->
            cells; ``di``, ``L`` -> layers ...).
        **sizes: the design, as for :func:`explorer.count`; the sizes the formula names are
            left symbolic for the comparison and used for the numbers.

    Raises:
        FormulaError: the formula is refused (anything but arithmetic, too large).
        UsageError: names that cannot be mapped, sizes missing for the numbers.

    Example:
        >>> cmp = compare_formula("rnn", "h*(x + h)", convention="keras", input=3, cells=2)
        >>> cmp.formula_value, cmp.true_value, cmp.difference
        (Fraction(10, 1), 12, 'h')
        >>> print(cmp.causes[0].text)
        layer 0: gate biases (bias_l0; h) missing from the formula
    """
    from explorer._api import formula as symbolic_formula
    from explorer.families import get_family

    chosen = get_family(family)
    sizes = chosen.canonical(sizes)
    expression = parse_formula(text)
    names, guessed = resolve_names(expression, mapping, chosen)
    design, known = _design(chosen, convention, sizes)
    values = sizes_for(names, {**design, **known}, chosen)
    check_magnitude(expression, values)
    depth = chosen.keyword(chosen.depth)
    if depth is not None and not any(isinstance(v, list) for v in design.values()):
        design.setdefault(depth.name, depth.default)  # as for count; a symbol only when named
    for key, value in known.items():  # sizes that follow a rule: fixed unless named
        design.setdefault(key, value)
    for key in names.values():
        declared = chosen.keyword(key)
        if declared is not None and (declared.kind == "part" or declared.rule):
            design[key] = True  # a symbol of its own, not one that follows a rule
        else:
            design.pop(key, None)
    true = symbolic_formula(chosen.name, convention=convention, **design)
    bound = dataclasses.replace(true, values=_bind(true, names, values))
    symbols = {k.name: k.symbol for k in chosen.keywords if k.is_size}
    frame = Frame.of(true, names, values, symbols, depth=depth.symbol if depth else "")
    return _compare(expression, frame, guessed=guessed, true=true, bound=bound)


def _design(
    family: Family, convention: str | None, sizes: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, int]]:
    """The design as :func:`explorer.count` reads it (the family's defaults filled in), and
    the sizes that follow a rule (``d_ff`` from ``d_model``): a formula is checked against
    the count of that design. A design that cannot be counted yet (a size missing) is
    returned as given, for the checks below to name what is missing."""
    from explorer._api import count

    try:
        counted = count(family.name, convention=convention, **sizes)
    except ExplorerError:
        return dict(sizes), {}
    derived = {
        slot.keyword: value
        for slot, value in zip(counted.compiled.slots, counted.values)
        if slot.derived and slot.layer is None and value is not None
    }
    return {**counted.sizes, **sizes}, derived


def _bind(true: Count, names: Mapping[str, str], values: Mapping[str, int]) -> tuple[int, ...]:
    """Values for every slot of the symbolic count (its free slots are the formula's)."""
    by_key = {key: values[name] for name, key in names.items()}
    bound = []
    for slot, value in zip(true.compiled.slots, true.values):
        if value is not None:
            bound.append(value)
        elif slot.keyword in by_key:
            bound.append(by_key[slot.keyword])
        else:
            option = "--" + slot.keyword.replace("_", "-")
            raise UsageError(
                f"the count needs {slot.keyword} ({slot.symbol}): give {option} N, or "
                "use it in the formula"
            )
    return tuple(bound)


def _compare(
    expression: Expression, frame: Frame, *, guessed: bool, true: Count, bound: Count
) -> FormulaComparison:
    """The comparison: both polynomials, their difference, its causes."""
    import sympy

    user = expression.to_sympy(frame.symbol_of)
    if user.has(sympy.zoo, sympy.nan, sympy.oo):
        raise FormulaError("formula divides by zero")
    true_expr = true.formula.xreplace(frame.fixed)
    difference = sympy.expand(true_expr - user)
    formula_value = expression.evaluate(frame.values)
    causes, note = find_causes(frame, true, bound, difference)
    readable = sum_text(causes) if causes else frame.text(sympy.factor(difference))
    return FormulaComparison(
        formula=expression.text,
        title=title(true),
        mapping=tuple(frame.names.items()),
        guessed=guessed,
        sizes=tuple(frame.values.items()),
        formula_value=formula_value,
        true_value=bound.total,
        true_formula=frame.text(true_expr),
        difference=readable,
        difference_expanded=frame.text(difference),
        causes=tuple(causes),
        note=note,
    )
