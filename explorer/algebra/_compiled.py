"""A count compiled to plain data and Python functions: no sympy needed to evaluate it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer.algebra._poly import Polynomial, compile_functions, compile_tuple_function
from explorer.algebra._role import NO_ROLE, Role

__all__ = ["CompiledCount", "Slot", "TermInfo"]


@dataclass(frozen=True, slots=True)
class Slot:
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
    formula_text: str
    active: Polynomial | None = None
    _functions: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def function(self, which: str) -> Callable[..., Any]:
        """Compiled evaluator: ``total``, ``biases``, ``active``, ``terms``, ``shapes`` or
        ``bound``."""
        try:
            return self._functions[which]  # type: ignore[no-any-return]
        except KeyError:
            pass
        arity = len(self.slots)
        if which in ("total", "biases"):
            built: Callable[..., Any] = compile_functions((getattr(self, which),), arity)[0]
        elif which == "active":
            built = compile_functions((self.active or self.total,), arity)[0]
        elif which == "bound":
            built = compile_functions((self.total.absolute(),), arity)[0]
        elif which == "terms":
            built = compile_tuple_function([t.count for t in self.terms], arity)
        elif which == "shapes":
            built = compile_tuple_function([d for t in self.terms for d in t.shape], arity)
        else:
            raise KeyError(which)
        self._functions[which] = built
        return built

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
            "formula_text": self.formula_text,
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
            active=None if data["active"] is None else Polynomial.from_json(data["active"], arity),
            formula_text=str(data["formula_text"]),
        )
