"""A formula read with the safe parser (:mod:`explorer.expressions`, never ``eval`` or
``sympify``) and refused before it could take long to expand or compute.

Example:
    >>> expression = parse_formula("4*nc*(ni + nc)")
    >>> sorted(expression.names), expression.evaluate({"nc": 2, "ni": 3})
    (['nc', 'ni'], Fraction(40, 1))
    >>> check_magnitude(parse_formula("(nc**8)**2"), {"nc": 2})
    Traceback (most recent call last):
    ...
    explorer.errors.FormulaError: formula refused: degree 16 in the sizes, at most 12 for a count
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Mapping
from fractions import Fraction

from explorer.errors import FormulaError
from explorer.explain._names import IDENTIFIER
from explorer.expressions import MAX_LENGTH, Expression, parse_expression

__all__ = ["MAX_BITS", "MAX_DEGREE", "check_magnitude", "parse_formula"]

MAX_DEGREE = 12
"""A parameter count is a polynomial of low degree; higher is refused before expanding."""
MAX_BITS = 10_000
"""Values (numerator and denominator) beyond ~3,000 digits are refused before computing."""

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def parse_formula(text: str) -> Expression:
    """The safe parser, told that every plain name of the text is a name (it still refuses
    names starting with ``_``, calls, attributes ... before anything is evaluated)."""
    if not isinstance(text, str):
        raise FormulaError(f"formula must be text, got {type(text).__name__}")
    head = text[: MAX_LENGTH + 1]  # longer texts are refused by the parser anyway
    head = _QUOTED.sub("", head)  # words in quotes are not names (the parser refuses strings)
    names = {
        n for n in IDENTIFIER.findall(head) if not n.startswith("_") and not keyword.iskeyword(n)
    }
    return parse_expression(text, names)


def check_magnitude(expression: Expression, values: Mapping[str, int]) -> None:
    """Refuse formulas whose degree or value would take long to expand or compute."""
    degree, bits = _measure(expression.tree, values)
    if degree > MAX_DEGREE:
        raise FormulaError(
            f"formula refused: degree {degree} in the sizes, at most {MAX_DEGREE} for a count"
        )
    if bits > MAX_BITS:
        raise FormulaError(f"formula refused: its value would have over {MAX_BITS // 3:,} digits")


def _measure(node: ast.expr, values: Mapping[str, int]) -> tuple[int, int]:
    """Upper bounds of the degree and of the bits of the value (numerator + denominator)."""
    if isinstance(node, ast.Constant):
        value = Fraction(node.value)  # type: ignore[arg-type]  # int or float, checked
        return 0, value.numerator.bit_length() + value.denominator.bit_length()
    if isinstance(node, ast.Name):
        return 1, max(values.get(node.id, 1).bit_length(), 1)
    if isinstance(node, ast.UnaryOp):
        return _measure(node.operand, values)
    if isinstance(node, ast.BinOp):
        (dl, bl), (dr, br) = _measure(node.left, values), _measure(node.right, values)
        if isinstance(node.op, ast.Pow):
            power = node.right.value if isinstance(node.right, ast.Constant) else 1
            return dl * int(power), bl * max(int(power), 1)  # type: ignore[arg-type]
        if isinstance(node.op, ast.Add | ast.Sub):
            return max(dl, dr), bl + br + 1
        return dl + dr, bl + br
    return 0, 0  # unreachable after the parser's check
