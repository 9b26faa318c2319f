"""A count compiled to plain data and Python functions: no sympy needed to evaluate it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra._kinds import BIAS
from explorer.algebra._poly import Polynomial
from explorer.algebra._role import NO_ROLE, Role

if TYPE_CHECKING:
    from explorer.algebra._codegen import ArrayPlan

__all__ = ["CompiledCount", "Slot", "TermInfo"]


class Slot(NamedTuple):
    """One size the count depends on: a keyword, and the layer for per-layer sizes.

    A ``derived`` slot follows other slots by a rule of its family (``head_dim = d_model //
    heads``): it is filled in, not given, when the others change.

    Example:
        >>> Slot("cells", 1, "n_c1").label
        'cells[1]'
    """

    keyword: str
    layer: int | None
    symbol: str
    derived: bool = False

    @property
    def label(self) -> str:
        """``cells`` or ``cells[1]``."""
        return self.keyword if self.layer is None else f"{self.keyword}[{self.layer}]"


@dataclass(frozen=True, slots=True)
class TermInfo:
    """What a table needs of a term: its name, kind, group, meaning, role and polynomials."""

    name: str
    kind: str
    meaning: str
    group: str
    shape_text: tuple[str, ...]
    copies_text: str
    shape: tuple[Polynomial, ...]
    count: Polynomial
    role: Role = NO_ROLE


@dataclass(frozen=True, slots=True)
class CompiledCount:
    """The terms and total of one structure as integer polynomials over its slots.

    Built once per family, convention flags and structure (from sympy, or from the disk
    cache); evaluating it is a call to generated Python code on ints or numpy arrays.
    """

    slots: tuple[Slot, ...]
    terms: tuple[TermInfo, ...]
    total: Polynomial
    biases: Polynomial
    #: The formula as sympy printed it; empty when it was built without sympy (then
    #: :attr:`formula_text` prints the total polynomial, on first use).
    written: str = ""
    #: The parameters one token uses, when not all (experts); ``None``: all.
    active: Polynomial | None = None
    _functions: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def formula_text(self) -> str:
        """The closed form as text."""
        if self.written:
            return self.written
        text = self._functions.get("text")
        if text is None:
            text = self._functions["text"] = self.total.text([s.symbol for s in self.slots])
        return text

    def function(self, which: str) -> Callable[..., Any]:
        """Compiled evaluator: ``total``, ``biases``, ``active``, ``terms``, ``shapes`` or
        ``bound``."""
        try:
            return self._functions[which]  # type: ignore[no-any-return]
        except KeyError:
            pass
        from explorer.algebra._codegen import scalar_functions, tuple_function

        arity = len(self.slots)
        if which in ("total", "biases"):
            built: Callable[..., Any] = scalar_functions((getattr(self, which),), arity)[0]
        elif which == "active":
            built = scalar_functions((self.active or self.total,), arity)[0]
        elif which == "bound":
            built = scalar_functions((self.total.absolute(),), arity)[0]
        elif which == "terms":
            built = tuple_function([t.count for t in self.terms], arity)
        elif which == "shapes":
            built = tuple_function([d for t in self.terms for d in t.shape], arity)
        else:
            raise KeyError(which)
        self._functions[which] = built
        return built

    def array_plan(self) -> ArrayPlan:
        """The total as in-place numpy operations on blocks (see :mod:`._codegen`)."""
        try:
            return self._functions["array"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        from explorer.algebra._codegen import array_function

        plan = array_function(self.total, len(self.slots))
        self._functions["array"] = plan
        return plan

    def consistent(self) -> bool:
        """Whether the total is the sum of the terms and the biases the sum of the bias
        terms (how a loaded cache entry is checked before it is trusted)."""
        total = Polynomial.sum(t.count for t in self.terms)
        biases = Polynomial.sum(t.count for t in self.terms if t.kind == BIAS)
        return (
            total.coefficients() == self.total.coefficients()
            and biases.coefficients() == self.biases.coefficients()
        )

    def to_json(self) -> dict[str, Any]:
        """Plain data for the on-disk cache."""
        return {
            "slots": [[s.keyword, s.layer, s.symbol, s.derived] for s in self.slots],
            "terms": [
                {
                    "name": t.name,
                    "kind": t.kind,
                    "meaning": t.meaning,
                    "group": t.group,
                    "shape_text": list(t.shape_text),
                    "copies_text": t.copies_text,
                    "shape": [d.to_json() for d in t.shape],
                    "count": t.count.to_json(),
                    "role": t.role.to_json(),
                }
                for t in self.terms
            ],
            "total": self.total.to_json(),
            "biases": self.biases.to_json(),
            "active": None if self.active is None else self.active.to_json(),
            "formula_text": self.written,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CompiledCount:
        """Rebuild from :meth:`to_json`; raises ``ValueError``/``KeyError``/``TypeError``
        on anything malformed (the cache then rebuilds the entry)."""
        slots = tuple(
            Slot(str(k), None if layer is None else int(layer), str(sym), bool(derived))
            for k, layer, sym, derived in data["slots"]
        )
        arity = len(slots)
        terms = tuple(
            TermInfo(
                name=str(t["name"]),
                kind=str(t["kind"]),
                meaning=str(t["meaning"]),
                group=str(t["group"]),
                shape_text=tuple(str(x) for x in t["shape_text"]),
                copies_text=str(t["copies_text"]),
                shape=tuple(Polynomial.from_json(d, arity) for d in t["shape"]),
                count=Polynomial.from_json(t["count"], arity),
                role=Role.from_json(t["role"]),
            )
            for t in data["terms"]
        )
        return cls(
            slots=slots,
            terms=terms,
            total=Polynomial.from_json(data["total"], arity),
            biases=Polynomial.from_json(data["biases"], arity),
            written=str(data["formula_text"]),
            active=None if data["active"] is None else Polynomial.from_json(data["active"], arity),
        )
