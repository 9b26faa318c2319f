"""The issue's seed examples and the published single-layer formulas, exactly.

Every figure here comes from outside this package: the forum question, Graves 2013,
Sak et al. 2014 (section 2), Keras's documented parameter layout, Zaremba et al. 2014.
"""

from __future__ import annotations

from typing import Any

import pytest
import sympy

import explorer

n_i, n_c, n_r, n_p, n_o = sympy.symbols("n_i n_c n_r n_p n_o", positive=True)


@pytest.mark.parametrize(
    ("family", "convention", "sizes", "expected"),
    [
        pytest.param(
            "lstm",
            "weights",
            {"input": 39, "cells": 1024, "layers": 3, "output": 34},
            21_166_080,
            id="forum-39-1024x3-34-weights",
        ),
        pytest.param(
            "lstm",
            "weights",
            {"input": 205, "cells": 700, "layers": 5, "output": 205},
            18_357_500,
            id="forum-205-700x5-205-weights",
        ),
        pytest.param(
            "lstm",
            "graves2013",
            {"input": 205, "cells": 700, "layers": 5, "output": 205},
            21_252_205,
            id="graves2013-wikipedia-21.3M",
        ),
        pytest.param(
            "lstm",
            "graves2013",
            {"input": 49, "cells": 1000, "layers": 1, "output": 49},
            4_252_049,
            id="graves2013-ptb-char-4.3M",
        ),
        pytest.param(
            "lstm",
            "keras",
            {"vocab": 10_000, "input": 1500, "cells": 1500, "layers": 2, "output": 10_000},
            66_022_000,
            id="zaremba2014-large-66M",
        ),
        pytest.param(
            "lstm",
            "keras",
            {"vocab": 10_000, "input": 1500, "cells": 1500, "layers": 2, "tied": True},
            51_022_000,
            id="zaremba2014-large-tied-51M",
        ),
        pytest.param(
            "lstm",
            "keras",
            {"vocab": 10_000, "input": 650, "cells": 650, "layers": 2, "output": 10_000},
            19_775_200,
            id="zaremba2014-medium-20M",
        ),
    ],
)
def test_seed_counts(family: str, convention: str, sizes: dict[str, Any], expected: int) -> None:
    c = explorer.count(family, convention=convention, **sizes)
    assert c.total == expected
    assert sum(c.breakdown.values()) == expected


def test_graves_skip_peepholes_biases_explain_the_gap() -> None:
    sizes = {"input": 205, "cells": 700, "layers": 5, "output": 205}
    plain = explorer.count("lstm", convention="weights", **sizes).total
    graves = explorer.count("lstm", convention="graves2013", **sizes)
    no_skip = explorer.count("lstm", convention="graves2013", skip=False, **sizes).total
    assert graves.total - plain == 21_252_205 - 18_357_500
    assert graves.breakdown["weight_skip_l1"] == 4 * 700 * 205
    assert graves.breakdown["output.weight"] == 5 * 700 * 205
    assert graves.breakdown["weight_peephole_l0"] == 3 * 700
    assert no_skip < graves.total


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        pytest.param(
            {"output": True}, 4 * n_c**2 + 4 * n_i * n_c + n_c * n_o + 3 * n_c, id="sak2014-lstm"
        ),
        pytest.param(
            {"output": True, "proj": True},
            4 * n_c * n_r + 4 * n_i * n_c + n_r * n_o + n_c * n_r + 3 * n_c,
            id="sak2014-lstmp",
        ),
        pytest.param(
            {"output": True, "proj": True, "nonrec_proj": True},
            4 * n_c * n_r + 4 * n_i * n_c + (n_r + n_p) * n_o + n_c * (n_r + n_p) + 3 * n_c,
            id="sak2014-lstmp-nonrecurrent",
        ),
    ],
)
def test_sak2014_single_layer_formulas(sizes: dict[str, Any], expected: sympy.Expr) -> None:
    c = explorer.formula("lstm", convention="sak2014", layers=1, **sizes)
    assert sympy.expand(c.formula - expected) == 0


@pytest.mark.parametrize(
    ("family", "convention", "sizes", "expected"),
    [
        pytest.param("lstm", "weights", {}, 4 * n_c * (n_i + n_c), id="weights-lstm"),
        pytest.param("lstm", "keras", {}, 4 * n_c * (n_i + n_c) + 4 * n_c, id="keras-lstm"),
        pytest.param(
            "gru", "keras", {}, 3 * n_c * (n_i + n_c) + 6 * n_c, id="keras-gru-reset-after"
        ),
        pytest.param(
            "gru",
            "keras",
            {"reset_after": False},
            3 * n_c * (n_i + n_c) + 3 * n_c,
            id="keras-gru-original",
        ),
        pytest.param("rnn", "keras", {}, n_c * (n_i + n_c) + n_c, id="keras-simplernn"),
        pytest.param("lstm", "pytorch", {}, 4 * n_c * (n_i + n_c) + 8 * n_c, id="pytorch-lstm"),
        pytest.param(
            "lstm",
            "pytorch",
            {"proj": True},
            4 * n_c * (n_i + n_r) + 8 * n_c + n_r * n_c,
            id="pytorch-lstm-proj",
        ),
        pytest.param("gru", "pytorch", {}, 3 * n_c * (n_i + n_c) + 6 * n_c, id="pytorch-gru"),
    ],
)
def test_documented_single_layer_formulas(
    family: str, convention: str, sizes: dict[str, Any], expected: sympy.Expr
) -> None:
    c = explorer.formula(family, convention=convention, layers=1, **sizes)
    assert sympy.expand(c.formula - expected) == 0


def test_formula_keeps_depth_symbolic() -> None:
    c = explorer.formula("lstm", convention="weights", output=True)
    L = sympy.Symbol("L", positive=True)
    expected = 4 * n_c * (n_i + n_c) + (L - 1) * 4 * n_c * (2 * n_c) + n_c * n_o
    assert sympy.expand(c.formula - expected) == 0
    assert c.free == ("n_i", "n_c", "n_o", "L")
    assert not any(isinstance(a, sympy.Sum) for a in sympy.preorder_traversal(c.formula))
