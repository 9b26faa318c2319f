"""Counts and solutions in notebooks: HTML tables, LaTeX formulas, pandas frames (pandas
optional, with a clear error without it)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import explorer
from explorer.display import MAX_ROWS

LSTM: dict[str, Any] = {"input": 39, "cells": 1024, "layers": 3, "output": 34}


def test_a_count_shows_its_terms_and_total() -> None:
    c = explorer.count("lstm", **LSTM)
    shown = c._repr_html_()
    assert shown.count("<tr>") == 1 + len(c.compiled.terms) + 1  # header, terms, total
    assert "<td>weight_ih_l0</td>" in shown
    assert f"{c.total:,}" in shown
    assert c._repr_latex_() == (
        "$P = 20 n_{c}^{2} + 4 n_{c} n_{i} + n_{c} n_{o} + 24 n_{c} + n_{o} = 21{,}190{,}690$"
    )


def test_a_formula_shows_its_free_sizes() -> None:
    f = explorer.formula("lstm")
    assert "free sizes n_i, n_c, L" in f._repr_html_()
    assert f._repr_latex_().startswith("$P = 8 n_{c}^{2} \\left(L - 1\\right)")
    assert " = " not in f._repr_latex_().split("P = ", 1)[1]


def test_a_deep_count_is_shown_in_bounded_size() -> None:
    c = explorer.count("lstm", input=3, cells=[64] * 2000)
    shown = c._repr_html_()
    assert shown.count("<tr>") == 1 + MAX_ROWS + 1 + 1  # header, rows, total, the note
    assert f"{len(c.compiled.terms) - MAX_ROWS:,} more terms" in shown
    assert c._repr_latex_() == f"$P = {c.total:,}$".replace(",", "{,}")


def test_names_are_escaped() -> None:
    c = explorer.count("lstm", **LSTM)
    assert "<td>4*n_c x n_i</td>" in c._repr_html_()
    assert "->" not in explorer.solve("lstm", budget="21M", **_solving())._repr_html_()


def _solving() -> dict[str, Any]:
    return {k: v for k, v in LSTM.items() if k != "cells"}


def test_a_solution_shows_the_design_budget_and_neighbours() -> None:
    s = explorer.solve("lstm", budget="21M", **_solving())
    shown = s._repr_html_()
    assert "cells = 1,019 for a budget of 21,000,000 parameters" in shown
    assert "under: cells 1,019 -&gt; 20,985,320; over: cells 1,020 -&gt; 21,026,314" in shown
    assert s._repr_latex_() == (
        r"$\mathrm{cells} = 1{,}019 \Rightarrow 20{,}985{,}320\ \text{parameters} "
        r"\approx 21{,}000{,}000\ (-0.070\%)$"
    )


def test_frames() -> None:
    pytest.importorskip("pandas")
    c = explorer.count("lstm", **LSTM)
    frame = c.to_pandas()
    assert list(frame.index) == [t.name for t in c.compiled.terms]
    assert int(frame["parameters"].sum()) == c.total
    assert frame.loc["weight_ih_l0", "shape_numbers"] == (4096, 39)
    s = explorer.solve("lstm", budget="21M", input=39, output=34, layers={2, 3})
    designs = s.to_pandas()
    assert len(designs) == len(s.alternatives) == 2
    assert list(designs["total"]) == [a.total for a in s.alternatives]
    assert {"cells", "layers", "relative_error", "unit"} <= set(designs.columns)


def test_without_pandas_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ModuleNotFoundError, match=r"to_pandas\(\) needs pandas.*pip install"):
        explorer.count("lstm", **LSTM).to_pandas()
    with pytest.raises(ModuleNotFoundError, match="needs pandas"):
        explorer.solve("lstm", budget="21M", **_solving()).to_pandas()
