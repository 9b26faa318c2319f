"""Published compute-optimal fits: from training compute C to parameters N and tokens D.

Two kinds, read from ``data/fits.toml`` (each with its citation):

- :class:`TableFit`: a paper's printed projections (rows of N, C, D), joined by power
  laws between neighbouring rows and continued beyond the ends with its published
  exponents (Hoffmann et al. 2022's approaches 1 and 2 print exponents and projections,
  not the constants of their power laws);
- :class:`ParametricFit`: L(N, D) = E + A / N^alpha + B / D^beta minimised under
  C = 6 N D, in closed form (Hoffmann et al. 2022, eq. 4; Besiroglu et al. 2024).

Example:
    >>> fit = FITS()["hoffmann2022-1"]
    >>> o = fit.at_params(400e6)  # Table 3's first row
    >>> f"{o.flops:.2e}", f"{o.tokens / 1e9:.1f}B"
    ('1.92e+19', '8.0B')
    >>> o = FITS()["besiroglu2024"].at_compute(1e21)
    >>> round(o.params / 1e9, 2), round(o.tokens / o.params, 1)
    (2.78, 21.6)
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from explorer.errors import BudgetError, SpecError, UnknownNameError

__all__ = ["FITS", "Fit", "Optimum", "ParametricFit", "TableFit", "fit"]


@dataclass(frozen=True, slots=True)
class Optimum:
    """A compute-optimal point: training FLOPs, parameters and tokens (reals, as fitted)."""

    flops: float
    params: float
    tokens: float


class Fit(Protocol):
    """A compute-optimal fit."""

    @property
    def name(self) -> str:
        """Registry name (``hoffmann2022-1``)."""
        ...

    @property
    def title(self) -> str:
        """What it is, in a line."""
        ...

    @property
    def citation(self) -> str:
        """Where its numbers come from."""
        ...

    def at_compute(self, flops: float) -> Optimum:
        """The optimum for a training compute."""
        ...

    def at_params(self, params: float) -> Optimum:
        """The compute for which ``params`` is optimal, and its tokens."""
        ...


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BudgetError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise BudgetError(f"{name} must be a positive number, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class TableFit:
    """A paper's projections joined by power laws (see the module's docstring).

    Attributes:
        rows: (N, C, D) as printed, increasing.
        a, b: the published exponents of N_opt ~ C^a and D_opt ~ C^b (beyond the rows).
    """

    name: str
    title: str
    citation: str
    a: float
    b: float
    rows: tuple[tuple[float, float, float], ...]
    note: str = ""

    def _segment(self, column: int, value: float) -> tuple[int, int]:
        """The rows either side of ``value`` in ``column`` (the two end rows beyond)."""
        keys = [row[column] for row in self.rows]
        k = bisect.bisect_left(keys, value)
        k = min(max(k, 1), len(keys) - 1)
        return k - 1, k

    def _interpolate(self, column: int, value: float) -> Optimum:
        for n, c, d in self.rows:
            if (n, c)[column] == value:  # a printed row, exactly as printed
                return Optimum(c, n, d)
        lo, hi = self._segment(column, value)
        (n0, c0, d0), (n1, c1, d1) = self.rows[lo], self.rows[hi]
        if column == 1:
            log_c = math.log(value)
        else:
            first, last = self.rows[0][0], self.rows[-1][0]
            if value < first or value > last:  # beyond the rows: the published exponent
                n_end, c_end = (n0, c0) if value < first else (n1, c1)
                log_c = math.log(c_end) + math.log(value / n_end) / self.a
            else:
                share = math.log(value / n0) / math.log(n1 / n0)
                log_c = math.log(c0) + share * math.log(c1 / c0)
        flops = math.exp(log_c)
        if flops < c0 or flops > c1:  # beyond the rows
            c_end, n_end, d_end = (c0, n0, d0) if flops < c0 else (c1, n1, d1)
            params = n_end * (flops / c_end) ** self.a
            tokens = d_end * (flops / c_end) ** self.b
        else:
            share = math.log(flops / c0) / math.log(c1 / c0)
            params = n0 * (n1 / n0) ** share
            tokens = d0 * (d1 / d0) ** share
        return Optimum(flops, value if column == 0 else params, tokens)

    def at_compute(self, flops: float) -> Optimum:
        """N and D for a compute C, on the joined projections."""
        return self._interpolate(1, _positive("compute", flops))

    def at_params(self, params: float) -> Optimum:
        """The compute for which N is optimal, and its D."""
        return self._interpolate(0, _positive("params", params))


@dataclass(frozen=True, slots=True)
class ParametricFit:
    """L(N, D) = E + A / N^alpha + B / D^beta, its compute-optimal frontier in closed form."""

    name: str
    title: str
    citation: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    note: str = ""

    @property
    def G(self) -> float:  # noqa: N802 - the paper's symbol
        """(alpha A / (beta B))^(1 / (alpha + beta))."""
        ratio: float = self.alpha * self.A / (self.beta * self.B)
        return float(ratio ** (1 / (self.alpha + self.beta)))

    @property
    def a(self) -> float:
        """beta / (alpha + beta): N_opt ~ C^a."""
        return self.beta / (self.alpha + self.beta)

    def loss(self, params: float, tokens: float) -> float:
        """The fitted loss."""
        return float(self.E + self.A / params**self.alpha + self.B / tokens**self.beta)

    def at_compute(self, flops: float) -> Optimum:
        """N_opt = G (C / 6)^a, D_opt = (C / 6) / N_opt."""
        c = _positive("compute", flops)
        params = self.G * (c / 6) ** self.a
        return Optimum(c, params, c / 6 / params)

    def at_params(self, params: float) -> Optimum:
        """C = 6 (N / G)^(1 / a), D = C / (6 N)."""
        n = _positive("params", params)
        c = 6 * (n / self.G) ** (1 / self.a)
        return Optimum(c, n, c / 6 / n)


@functools.cache
def FITS() -> dict[str, TableFit | ParametricFit]:  # noqa: N802 - a registry, read once
    """Every fit by name, read from ``data/fits.toml``."""
    from explorer._toml import TOMLDecodeError, loads

    source = resources.files("explorer.scaling").joinpath("data/fits.toml")
    try:
        data = loads(source.read_text(encoding="utf-8"))
    except (OSError, TOMLDecodeError) as error:  # pragma: no cover - a packaging fault
        raise SpecError(f"scaling fits: cannot read data/fits.toml ({error})") from None
    fits: dict[str, TableFit | ParametricFit] = {}
    for entry in data["fit"]:
        fits[entry["name"]] = _entry(entry)
    return fits


def _entry(entry: dict[str, Any]) -> TableFit | ParametricFit:
    if entry["kind"] == "table":
        rows = tuple((float(n), float(c), float(d)) for n, c, d in entry["rows"])
        return TableFit(
            name=str(entry["name"]),
            title=str(entry["title"]),
            citation=str(entry["citation"]),
            a=float(entry["a"]),
            b=float(entry["b"]),
            rows=rows,
        )
    return ParametricFit(
        name=str(entry["name"]),
        title=str(entry["title"]),
        citation=str(entry["citation"]),
        E=float(entry["E"]),
        A=float(entry["A"]),
        B=float(entry["B"]),
        alpha=float(entry["alpha"]),
        beta=float(entry["beta"]),
        note=str(entry.get("note", "")),
    )


def fit(name: str | TableFit | ParametricFit) -> TableFit | ParametricFit:
    """A fit by name (``hoffmann2022-1``, ``hoffmann2022-2``, ``hoffmann2022-3``,
    ``hoffmann2022-3-tex``, ``besiroglu2024``)."""
    if isinstance(name, TableFit | ParametricFit):
        return name
    try:
        return FITS()[name]
    except (KeyError, TypeError):
        raise UnknownNameError.for_name("scaling fit", name, FITS()) from None
