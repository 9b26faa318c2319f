"""A term's arithmetic with the actual numbers: each dimension of its shape shown with
the sizes' values (``4*n_c`` -> ``4 x 1024``), and its number of copies.

Example:
    >>> dimension("4*n_c", 4096, {"n_c": 1024}).factor, dimension("n_p + n_r", 512, {}).factor
    ('4 x 1024', '512')
    >>> dimension("n_p + n_r", 512, {"n_p": 256, "n_r": 256}).factor
    '(256 + 256)'
    >>> copies_text("L - 1", 2, {"L": 3})
    '(3 - 1)'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass

from explorer.errors import FormulaError
from explorer.explain._names import IDENTIFIER
from explorer.expressions import parse_expression

__all__ = ["Dimension", "copies_text", "dimension"]


@dataclass(frozen=True, slots=True)
class Dimension:
    """One dimension of a shape: its symbolic text, number, and how to show it."""

    text: str
    number: int
    shown: str  # 256 + 256, 4 x 1024, 1024
    is_sum: bool

    @property
    def factor(self) -> str:
        """As a factor of a product: a sum in parentheses."""
        return f"({self.shown})" if self.is_sum else self.shown

    @property
    def names(self) -> set[str]:
        """The sizes it is made of, without layer numbers (``n_c1`` -> ``n_c``)."""
        return {re.sub(r"\d+$", "", n) for n in IDENTIFIER.findall(self.text)}

    @property
    def doubled(self) -> bool:
        """Whether it is twice a width (both directions concatenated)."""
        return self.text.startswith("2*")


def dimension(text: str, number: int, values: Mapping[str, int]) -> Dimension:
    """Show a dimension with the actual numbers (``4*n_c`` -> ``4 x 1024``)."""
    try:
        expression = parse_expression(text, values)
        if expression.evaluate(values) == number:
            tree = expression.tree
            is_sum = isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Add | ast.Sub)
            return Dimension(text, number, _numbers(tree, values), is_sum)
    except (FormulaError, KeyError):
        pass  # names the values do not cover (a spec's parts): show the number
    constant = re.match(r"(\d+)\*", text)
    if constant and int(constant[1]) > 1 and number % int(constant[1]) == 0:
        c = int(constant[1])
        return Dimension(text, number, f"{c} x {number // c}", is_sum=False)
    return Dimension(text, number, str(number), is_sum=False)


def copies_text(text: str, copies: int, values: Mapping[str, int]) -> str:
    """The number of copies with the actual numbers (``L - 1`` -> ``(3 - 1)``)."""
    try:
        expression = parse_expression(text, values)
        if expression.evaluate(values) == copies:
            return f"({_numbers(expression.tree, values)})"
    except (FormulaError, KeyError):
        pass
    return str(copies)


def _numbers(node: ast.expr, values: Mapping[str, int]) -> str:
    """A checked expression tree with the names replaced by their values."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name):
        return str(values[node.id])
    if isinstance(node, ast.UnaryOp):
        return f"-{_numbers(node.operand, values)}"
    if isinstance(node, ast.BinOp):
        left, right = _numbers(node.left, values), _numbers(node.right, values)
        if isinstance(node.op, ast.Add | ast.Sub):
            sign = "+" if isinstance(node.op, ast.Add) else "-"
            if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Add | ast.Sub):
                right = f"({right})"
            return f"{left} {sign} {right}"
        sums = (ast.Add, ast.Sub)
        if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, sums):
            left = f"({left})"
        if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, sums):
            right = f"({right})"
        op = {ast.Mult: "x", ast.Div: "/", ast.Pow: "**"}.get(type(node.op), "?")
        return f"{left} {op} {right}"
    raise FormulaError(f"cannot show {ast.dump(node)}")  # unreachable after the parser's check
