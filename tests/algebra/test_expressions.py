"""The safe formula parser: arithmetic on declared names only, everything else refused."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from explorer.errors import FormulaError
from explorer.expressions import parse_expression

NAMES = {"nc", "nr", "ni"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("nc*4 + ni", Fraction(4 * 1024 + 39)),
        ("-(nc - nr)/2", Fraction(-(1024 - 256), 2)),
        ("nc**2 + 3*nc", Fraction(1024**2 + 3 * 1024)),
        ("1.5*nc", Fraction(1536)),
        ("+nc", Fraction(1024)),
    ],
)
def test_arithmetic_is_exact(text: str, value: Fraction) -> None:
    expression = parse_expression(text, NAMES)
    assert expression.evaluate({"nc": 1024, "nr": 256, "ni": 39}) == value
    symbols = {n: sympy.Symbol(n) for n in NAMES}
    assert expression.to_sympy(symbols).subs(
        {symbols["nc"]: 1024, symbols["nr"]: 256, symbols["ni"]: 39}
    ) == sympy.Rational(value.numerator, value.denominator)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        pytest.param("nc.__class__", "attribute access", id="attribute"),
        pytest.param(
            "__import__('os').system('true')", "function call|unknown name", id="dunder-call"
        ),
        pytest.param("__builtins__", "unknown name '__builtins__'", id="dunder-name"),
        pytest.param("(lambda: 1)()", "function call|lambda", id="lambda"),
        pytest.param("[x for x in ()]", "comprehension", id="comprehension"),
        pytest.param("nc[0]", "indexing", id="subscript"),
        pytest.param(
            "nc**99999999", "exponents must be whole numbers from 0 to 8", id="huge-power"
        ),
        pytest.param("nc**-1", "negative exponents", id="negative-power"),
        pytest.param("nc**nr", "exponents must be whole numbers", id="symbolic-power"),
        pytest.param("'a'*3", "found str", id="string"),
        pytest.param("f'{nc}'", "string", id="f-string"),
        pytest.param("(nc := 3)", "assignment", id="walrus"),
        pytest.param("nc; import os", "not valid arithmetic", id="statement"),
        pytest.param("nc if nr else ni", "conditional", id="conditional"),
        pytest.param("nc < nr", "comparison", id="comparison"),
        pytest.param("nc // 2", "operator FloorDiv", id="floor-division"),
        pytest.param("nc % 2", "operator Mod", id="modulo"),
        pytest.param("nc << 2", "operator LShift", id="shift"),
        pytest.param("not nc", "operator Not", id="not"),
        pytest.param("x + 1", "unknown name 'x'", id="undeclared"),
        pytest.param("1" * 30, "too large", id="huge-constant"),
        pytest.param("True + nc", "found bool", id="bool"),
        pytest.param("1j", "found complex", id="complex"),
        pytest.param("", "empty", id="empty"),
        pytest.param("nc +", "not valid arithmetic", id="syntax"),
        pytest.param("nc\x00", "not valid arithmetic", id="nul"),
    ],
)
def test_hostile_input_is_refused(text: str, match: str) -> None:
    with pytest.raises(FormulaError, match=match):
        parse_expression(text, NAMES)


def test_very_long_and_deep_input_is_refused_before_parsing() -> None:
    with pytest.raises(FormulaError, match="at most 2000"):
        parse_expression("nc+" * 100_000 + "nc", NAMES)
    with pytest.raises(FormulaError, match="nested deeper than 40"):
        parse_expression("(" * 900 + "nc" + ")" * 900, NAMES)
    with pytest.raises(FormulaError, match=r"nested deeper than 40|more than 500"):
        parse_expression("-" * 1500 + "nc", NAMES)


def test_division_by_zero_is_an_error() -> None:
    with pytest.raises(FormulaError, match="divides by zero"):
        parse_expression("nc/(nr - nr)", NAMES).evaluate({"nc": 1, "nr": 2})


def test_nested_powers_cannot_build_huge_numbers() -> None:
    expression = parse_expression("(((((2**8)**8)**8)**8)**8)*nc", NAMES)
    with pytest.raises(FormulaError, match="exceeds"):
        expression.evaluate({"nc": 3})
