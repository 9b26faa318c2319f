"""The :class:`Derived` formula: a first-class model, counted and solved without torch.

Example:
    >>> d = Derived.from_data({"format": 1, "target": "demo.Layer",
    ...     "formula": "4*n*(m + n + 2)", "variables": ["m", "n"],
    ...     "domain": {"m": {"lo": 1, "hi": 512, "step": 1},
    ...                "n": {"lo": 8, "hi": 1024, "step": 8}},
    ...     "builds": 40, "verified": {"points": 24, "exact": True}}, "inline")
    >>> d.count(m=39, n=64)
    26880
    >>> d.count(m=39, n=63)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    explorer.errors.InvalidSizeError: n=63 lies outside the domain ... (8..1024 step 8): ...
    >>> from explorer.solver import solve_formula
    >>> solve_formula(d, "1M", m=39).sizes
    {'m': 39, 'n': 480}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from explorer.derivation._domain import Range, Scalar
from explorer.derivation._poly import RationalPolynomial
from explorer.derivation._tensors import DerivedTensor
from explorer.errors import (
    CountOverflowError,
    ExplorerError,
    InvalidSizeError,
    UnknownNameError,
)

if TYPE_CHECKING:
    import numpy as np
    import sympy


__all__ = ["COUNTED", "FORMAT", "Derived", "What", "load_derived"]

#: The version of the saved format (``format = 1`` in the file).
FORMAT = 1

What = Literal["parameters", "buffers"]

#: What a count is, in words, for the output and the saved file.
COUNTED: dict[str, str] = {
    "parameters": "unique parameters (a tensor shared by several modules counted once); "
    "buffers not counted",
    "buffers": "unique buffers (persistent or not; shared ones once); parameters not counted",
    "flops": "FLOPs of one forward pass as FlopCounterMode counts them (2 x the MACs of "
    "its matrix products) on the meta device: eager attention over the full T x T square, "
    "experts by batched_mm (k per token), token ids only",
}
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Derived:
    """An exact parameter count fitted from builds, valid on its verified domain.

    Attributes:
        target: what was built (``torch.nn.LSTM``, ``transformers.LlamaConfig``, ...).
        model: the Hugging Face model class, for config targets.
        variables: the varied arguments, in the order of :attr:`symbols`.
        domain: each variable's lattice; counts outside it are refused.
        fixed: the other arguments given (the rest took the target's defaults).
        ties: arguments computed from the variables (``hidden_size = heads*head_dim``).
        counted: ``parameters`` or ``buffers`` (unique tensors, each counted once).
        formula_text: the factored formula, arithmetic over the variable names.
        polynomial: the same formula as exact data.
        builds: meta-device builds made (fit, verification and any retry).
        fit_builds: of those, the builds the fit used.
        verified_points: held-out points where a fresh build matched exactly (each
            range's two ends among them).
        versions: the library versions it was derived with.
        cached: whether it came from the cache (not part of its identity).
    """

    target: str
    model: str | None
    variables: tuple[str, ...]
    domain: dict[str, Range]
    fixed: dict[str, Scalar]
    ties: dict[str, str]
    counted: str
    formula_text: str
    polynomial: RationalPolynomial
    builds: int
    fit_builds: int
    verified_points: int
    versions: dict[str, str]
    title: str = ""
    cached: bool = field(default=False, compare=False)
    source: str = field(default="", compare=False)
    #: The module of the class that was built (the cache follows its local imports).
    module: str = field(default="", compare=False)
    #: The count per group of named tensors (empty when it was not fitted apart).
    tensors: tuple[DerivedTensor, ...] = ()
    #: A mixture of experts' routing, ``(E, k)``: each a variable's name or a number; a
    #: token uses ``k/E`` of the routed experts' tensors (None: no routing known).
    routing: tuple[str | int, str | int] | None = None
    #: What the derivation says of itself (fields fixed, and why).
    notes: tuple[str, ...] = ()
    #: For a config's formula: the config's own values of the variables.
    at: dict[str, int] = field(default_factory=dict)
    #: The FLOPs of one forward pass (``counted == "flops"``), over the variables and
    #: the pass's ``seq``, ``batch`` (and an encoder-decoder's ``decoder_seq``); None
    #: where they were not derived.
    compute: Derived | None = None

    # -- the formula -----------------------------------------------------------------------
    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """One sympy symbol per variable, named as the variable (positive; non-negative
        where the domain starts at 0)."""
        import sympy

        return tuple(
            sympy.Symbol(v, positive=True)
            if self.domain[v].lo >= 1
            else sympy.Symbol(v, nonnegative=True)
            for v in self.variables
        )

    @property
    def formula(self) -> sympy.Expr:
        """The closed form as a sympy expression (built from data, never parsed by sympy)."""
        from explorer.expressions import parse_expression

        symbols = dict(zip(self.variables, self.symbols))
        return parse_expression(self.formula_text, self.variables).to_sympy(symbols)

    @property
    def expanded(self) -> str:
        """The formula multiplied out, as text."""
        return self.polynomial.text()

    @property
    def degrees(self) -> dict[str, int]:
        """The degree of the count in each variable."""
        return {v: self.polynomial.degree(i) for i, v in enumerate(self.variables)}

    def domain_text(self) -> str:
        """``input_size 1..1024, hidden_size 64..4096 step 64``."""
        return ", ".join(f"{v} {self.domain[v].text()}" for v in self.variables)

    # -- numbers ---------------------------------------------------------------------------
    def contains(self, **sizes: Any) -> bool:
        """Whether every given size lies on its variable's verified lattice."""
        return all(v in self.domain and self.domain[v].contains(x) for v, x in sizes.items())

    def check(self, **sizes: Any) -> tuple[int, ...]:
        """The sizes as a point (variable order), each checked against the domain.

        Raises:
            UnknownNameError: a name that is not a variable.
            InvalidSizeError: a missing size, a non-integer, or one outside the domain.
        """
        for name in sizes:
            if name not in self.domain:
                raise UnknownNameError.for_name("variable of this formula", name, self.variables)
        missing = [v for v in self.variables if v not in sizes]
        if missing:
            raise InvalidSizeError(f"give {', '.join(f'{v}=...' for v in missing)} to count")
        for name, value in sizes.items():
            self._check_value(name, value)
        return tuple(int(sizes[v]) for v in self.variables)

    def check_value(self, name: str, value: object) -> None:
        """One size on its variable's verified lattice, or :class:`InvalidSizeError`."""
        self._check_value(name, value)

    def _check_value(self, name: str, value: object) -> None:
        r = self.domain[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidSizeError(f"{name} must be an integer, got {value!r}")
        if not r.contains(value):
            raise InvalidSizeError(
                f"{name}={value} lies outside the domain the formula was verified on "
                f"({r.text()}): derive again with a range that covers it"
            )

    def count(self, **sizes: Any) -> int:
        """The exact count (a Python int) for sizes on the verified domain."""
        return self._exact(self.check(**sizes))

    def exact(self, point: tuple[int, ...]) -> int:
        """The exact count at a point of the domain (the variables' values in order)."""
        return self._exact(point)

    def _exact(self, point: tuple[int, ...]) -> int:
        quotient, remainder = divmod(
            self.polynomial.function()(*point), self.polynomial.denominator
        )
        if remainder:
            raise ExplorerError(f"the formula gives a fraction at {point}: it is not a count there")
        if quotient < 0:
            raise ExplorerError(
                f"the formula gives {quotient:,} at {point}: a negative number is no count "
                "(an edited or corrupt formula)"
            )
        return int(quotient)

    def evaluate_many(
        self, *, overflow: Literal["exact", "raise"] = "exact", **arrays: Any
    ) -> np.ndarray[Any, Any]:
        """The counts of many designs at once (numpy arrays, broadcast together).

        Every value is checked against the domain. int64 cannot wrap unnoticed: the
        formula with every coefficient made positive, at the largest sizes, bounds every
        intermediate value; above int64, ``overflow="exact"`` computes with Python ints
        (an object array) and ``"raise"`` raises :class:`CountOverflowError`.

        Example:
            >>> import numpy as np
            >>> d = Derived.from_data({"format": 1, "target": "t", "formula": "n*(n+1)/2",
            ...     "variables": ["n"], "domain": {"n": {"lo": 1, "hi": 10**12, "step": 1}},
            ...     "builds": 9, "verified": {"points": 4, "exact": True}}, "inline")
            >>> d.evaluate_many(n=np.array([3, 4]))
            array([ 6, 10])
            >>> d.evaluate_many(n=np.array([10**12]))[0]
            500000000000500000000000
        """
        import numpy as np

        for name in arrays:
            if name not in self.domain:
                raise UnknownNameError.for_name("variable of this formula", name, self.variables)
        missing = [v for v in self.variables if v not in arrays]
        if missing:
            raise InvalidSizeError(f"give {', '.join(missing)} to evaluate")
        columns = [np.asarray(arrays[v]) for v in self.variables]
        peaks = []
        for name, column in zip(self.variables, columns):
            if column.dtype.kind not in "iu":
                raise InvalidSizeError(f"{name} must be an integer array, got {column.dtype}")
            r = self.domain[name]
            if column.size:
                low, high = int(column.min()), int(column.max())
                off = low < r.lo or high > r.hi
                if not off and r.step > 1:
                    wide = column.astype(np.int64 if r.hi <= _INT64_MAX else object)
                    off = bool(np.any((wide - r.lo) % r.step))
                if off:
                    raise InvalidSizeError(
                        f"{name} has values outside the domain the formula was verified on "
                        f"({r.text()}): derive again with a range that covers them"
                    )
                peaks.append(high)
            else:
                peaks.append(r.lo)
        shape = np.broadcast_shapes(*(c.shape for c in columns))
        numerator = self.polynomial.function()
        denominator = self.polynomial.denominator
        if self.polynomial.function("bound")(*peaks) <= _INT64_MAX:
            result = numerator(*(c.astype(np.int64, copy=False) for c in columns))
            values = np.asarray(result, dtype=np.int64)
            if denominator != 1:
                values = values // denominator
            return np.array(np.broadcast_to(values, shape))
        if overflow == "raise":
            raise CountOverflowError(
                "these counts exceed int64; use overflow='exact' for Python integers"
            )
        exact = numerator(*(c.astype(object) for c in columns))
        values = np.asarray(exact, dtype=object)
        if denominator != 1:
            values = values // denominator
        return np.array(np.broadcast_to(values, shape))

    # -- data --------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Plain data: what ``--json`` prints and what a saved file holds."""
        return {
            "format": FORMAT,
            "target": self.target,
            "title": self.title or self.target,
            "model": self.model,
            "formula": self.formula_text,
            "expanded": self.expanded,
            "variables": list(self.variables),
            "domain": {v: self.domain[v].to_json() for v in self.variables},
            "fixed": dict(self.fixed),
            "ties": dict(self.ties),
            "counted": self.counted,
            "counted_text": COUNTED.get(self.counted, self.counted),
            "degrees": self.degrees,
            "builds": self.builds,
            "fit_builds": self.fit_builds,
            "verified": {"points": self.verified_points, "exact": True, "ends": True},
            "versions": dict(self.versions),
            "tensors": [t.to_json() for t in self.tensors],
            **({"routing": list(self.routing)} if self.routing else {}),
            **({"notes": list(self.notes)} if self.notes else {}),
            **({"at": dict(self.at)} if self.at else {}),
            **({"compute": self.compute.to_json()} if self.compute else {}),
        }

    def save(self, path: str | Path) -> None:
        """Write the formula as a TOML file (atomically) that :func:`load_derived` reads."""
        from explorer.derivation._saved import to_toml
        from explorer.files import write_atomically

        write_atomically(Path(path), to_toml(self.to_json()))

    @classmethod
    def from_data(cls, data: Mapping[str, Any], source: str) -> Derived:
        """Rebuild from :meth:`to_json` data, checking every field; the formula is read
        back with the safe parser only.

        Raises:
            SpecError: a missing or malformed field (the message names ``source`` and it).
        """
        from explorer.derivation._saved import validated

        fields = validated(data, source)
        compute = fields.pop("compute", None)
        if compute is not None:
            compute = cls(**compute, source=source)
        return cls(**fields, compute=compute, source=source)


def load_derived(path: str | Path) -> Derived:
    """A formula saved by :meth:`Derived.save` (``derive --save``); no torch needed.

    Raises:
        SpecError: the file cannot be read, is not TOML, or a field is malformed.

    Example:
        >>> import pathlib, tempfile
        >>> d = Derived.from_data({"format": 1, "target": "t", "formula": "n**2 + n",
        ...     "variables": ["n"], "domain": {"n": {"lo": 1, "hi": 99, "step": 1}},
        ...     "builds": 9, "verified": {"points": 4, "exact": True}}, "inline")
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.toml"
        >>> d.save(path)
        >>> load_derived(path).count(n=9)
        90
    """
    from explorer.derivation._saved import read_toml

    return Derived.from_data(read_toml(Path(path)), str(path))
