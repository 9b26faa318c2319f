"""One reason why a formula differs from the count: the data, rendered elsewhere.

Example:
    >>> from fractions import Fraction
    >>> cause = Cause("missing", ("bias_l0",), "gate biases missing", "", "h", Fraction(2))
    >>> cause.to_json()["value"], json_number(Fraction(5, 2))
    (2, '5/2')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

__all__ = ["Cause", "CauseKind", "json_number"]

CauseKind = Literal["missing", "extra", "substituted", "copies", "unexplained"]


@dataclass(frozen=True, slots=True)
class Cause:
    """One reason why a formula differs from the count.

    Attributes:
        kind: ``missing`` (terms the formula leaves out), ``extra`` (terms counted twice),
            ``substituted`` (terms counted with one size where the network has another),
            ``copies`` (terms counted for the wrong number of layers), ``unexplained``.
        terms: the true terms involved.
        text: one sentence, in the formula's own names.
        why: the network's reason for those terms (empty when unexplained).
        expression: its share of ``true - formula``, in the formula's names.
        value: that share for the given sizes.
    """

    kind: CauseKind
    terms: tuple[str, ...]
    text: str
    why: str
    expression: str
    value: Fraction

    def to_json(self) -> dict[str, Any]:
        """Plain data (a non-integer value as a ``"p/q"`` string)."""
        return {
            "kind": self.kind,
            "terms": list(self.terms),
            "text": self.text,
            "why": self.why,
            "expression": self.expression,
            "value": json_number(self.value),
        }


def json_number(value: Fraction) -> int | str:
    """An integer as itself, a fraction as ``"p/q"``."""
    return int(value) if value.denominator == 1 else str(value)
