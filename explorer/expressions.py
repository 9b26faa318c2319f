"""Safe arithmetic on declared symbols: parse user text without ever evaluating it.

``sympify``, ``parse_expr`` and ``lambdify`` all run ``eval`` (TECH_NOTES). Here user
text goes through Python's ``ast`` parser only, and the tree is checked against a
whitelist: numbers, the declared names, ``+ - * / **``, unary minus and parentheses;
bounded length, depth, size and exponents. The checked tree is then evaluated exactly
(:class:`fractions.Fraction`) or turned into sympy by this module, never by ``eval``.

Example:
    >>> e = parse_expression("cells/4 + 2*(proj - 1)", {"cells", "proj"})
    >>> e.evaluate({"cells": 1024, "proj": 3})
    Fraction(260, 1)
    >>> parse_expression("__import__('os')", {"cells"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    explorer.errors.FormulaError: formula refused: ... found a function call
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from explorer.errors import FormulaError

if TYPE_CHECKING:
    import sympy

__all__ = ["MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "Expression", "parse_expression"]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NODES = 500
MAX_EXPONENT = 8
MAX_CONSTANT = 10**18

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_WHAT = {
    ast.Call: "a function call",
    ast.Attribute: "attribute access",
    ast.Lambda: "a lambda",
    ast.Subscript: "indexing",
    ast.Compare: "a comparison",
    ast.BoolOp: "a boolean operator",
    ast.IfExp: "a conditional",
    ast.NamedExpr: "an assignment",
    ast.ListComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Starred: "unpacking",
    ast.JoinedStr: "a string",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
}


@dataclass(frozen=True, slots=True)
class Expression:
    """A checked arithmetic expression over declared names."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, int | Fraction]) -> Fraction:
        """Exact value for the given name values (every used name must be given)."""
        return _evaluate(self.tree, values)

    def to_sympy(self, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
        """The same expression built as sympy objects (no parsing by sympy)."""
        return _to_sympy(self.tree, symbols)


def parse_expression(text: str, allowed: Iterable[str]) -> Expression:
    """Parse ``text`` as arithmetic over the ``allowed`` names, refusing anything else.

    Raises:
        FormulaError: for syntax errors, forbidden constructs, unknown names, huge input.
    """
    allowed = set(allowed)
    names = ", ".join(sorted(allowed)) or "(none)"
    rule = f"only numbers, the names {names} and + - * / ** ( ) are allowed"
    if not isinstance(text, str):
        raise FormulaError(f"formula must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula refused: {len(text)} characters, at most {MAX_LENGTH}")
    if not text.strip():
        raise FormulaError("formula is empty")
    # Python's parser recurses on nesting: bound it before parsing, not after.
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula refused: nested deeper than {MAX_DEPTH} parentheses")
    try:
        module = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        detail = getattr(error, "msg", None) or type(error).__name__
        raise FormulaError(f"formula is not valid arithmetic: {detail}") from None
    used: set[str] = set()
    for count, node in enumerate(ast.walk(module.body), start=1):
        if count > MAX_NODES:
            raise FormulaError(f"formula refused: more than {MAX_NODES} parts")
        _check(node, allowed, used, rule)
    if _depth(module.body) > MAX_DEPTH:
        raise FormulaError(f"formula refused: nested deeper than {MAX_DEPTH}")
    return Expression(text.strip(), module.body, frozenset(used))


def _check(node: ast.AST, allowed: set[str], used: set[str], rule: str) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise FormulaError(f"formula refused: {rule}; found operator {type(node.op).__name__}")
        if isinstance(node.op, ast.Pow):
            exponent = node.right
            if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
                raise FormulaError("formula refused: negative exponents are not allowed")
            if not (
                isinstance(exponent, ast.Constant)
                and type(exponent.value) is int
                and 0 <= exponent.value <= MAX_EXPONENT
            ):
                raise FormulaError(
                    f"formula refused: exponents must be whole numbers from 0 to {MAX_EXPONENT}"
                )
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError(f"formula refused: {rule}; found operator {type(node.op).__name__}")
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float) or isinstance(node.value, bool):
            raise FormulaError(
                f"formula refused: {rule}; found {type(node.value).__name__} {node.value!r}"
            )
        if abs(node.value) > MAX_CONSTANT:
            raise FormulaError(f"formula refused: constant {node.value} is too large")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_") or node.id not in allowed:
            raise FormulaError(f"formula refused: unknown name {node.id!r}; {rule}")
        used.add(node.id)
    elif isinstance(node, ast.operator | ast.unaryop | ast.expr_context):
        pass
    else:
        what = _WHAT.get(type(node), type(node).__name__)
        raise FormulaError(f"formula refused: {rule}; found {what}")


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(c) for c in children), default=0)


#: No size or count comes near this; nested powers could otherwise build huge numbers.
MAX_VALUE = 10**60

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _fold(
    node: ast.expr,
    leaf: Callable[[ast.Constant | ast.Name], Any],
    combine: Callable[[ast.operator, Any, Any], Any],
) -> Any:
    """Walk a checked tree: ``leaf`` gives numbers and names their value, ``combine``
    applies a binary operator (exactly, or building sympy objects)."""
    if isinstance(node, ast.Constant | ast.Name):
        return leaf(node)
    if isinstance(node, ast.UnaryOp):
        inner = _fold(node.operand, leaf, combine)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _fold(node.left, leaf, combine), _fold(node.right, leaf, combine)
        return combine(node.op, left, right)
    raise FormulaError(f"cannot evaluate {ast.dump(node)}")  # unreachable after _check


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> Fraction:
    def leaf(item: ast.Constant | ast.Name) -> Fraction:
        if isinstance(item, ast.Name):
            return _bounded(Fraction(values[item.id]))
        return Fraction(item.value)  # type: ignore[arg-type]  # int or float, checked

    def combine(op: ast.operator, left: Fraction, right: Fraction) -> Fraction:
        if isinstance(op, ast.Div) and right == 0:
            raise FormulaError("formula divides by zero for these sizes")
        if isinstance(op, ast.Pow):
            exponent = int(right)
            size = max(abs(left.numerator), left.denominator).bit_length()
            if exponent and size * exponent > 400:
                raise FormulaError("formula refused: a power exceeds 10^120 for these sizes")
        return _bounded(_BINARY[type(op)](left, right))

    result: Fraction = _fold(node, leaf, combine)
    return result


def _bounded(value: Fraction) -> Fraction:
    if abs(value.numerator) > MAX_VALUE or value.denominator > MAX_VALUE:
        raise FormulaError("formula refused: a value exceeds 10^60 for these sizes")
    return value


def _to_sympy(node: ast.expr, symbols: Mapping[str, Any]) -> Any:
    import sympy

    def leaf(item: ast.Constant | ast.Name) -> Any:
        if isinstance(item, ast.Name):
            return symbols[item.id]
        if isinstance(item.value, float):
            return sympy.Rational(str(item.value))
        return sympy.Integer(item.value)  # int, checked

    return _fold(node, leaf, lambda op, left, right: _BINARY[type(op)](left, right))
