"""``explorer explain``: counts told term by term, formulas checked against the count.

Golden files hold the printed explanations (``EXPLORER_UPDATE_GOLDEN=1`` rewrites them);
each golden comparison also checks that the terms and the subtotals add up to the total
and that every term's arithmetic gives its count.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.algebra import Role
from explorer.errors import FormulaError, UnknownNameError, UsageError
from explorer.explain import compare_formula, explain, guess_keyword, parse_mapping
from explorer.expressions import parse_expression
from tests.cli_helpers import run as _run
from tests.golden_files import check_golden

FORUM = "(nc*nr*4*di)+(ni*nc*4*di)+((nr+np)*no)+(nc*nr*di)+(nc*3*di)+(nr*nc*4*(di-1))"
LSTMP: dict[str, Any] = {
    "input": 39,
    "cells": 1024,
    "proj": 256,
    "nonrec_proj": 256,
    "output": 34,
    "layers": 3,
}
LSTMP_ARGV = [
    "lstmp",
    "--convention",
    "sak2014",
    "--input",
    "39",
    "--cells",
    "1024",
    "--proj",
    "256",
    "--nonrec-proj",
    "256",
    "--output",
    "34",
    "--layers",
    "3",
]


def _golden(name: str, text: str) -> None:
    check_golden("explain", name, text)


# -- golden explanations ----------------------------------------------------------------------
EXPLAINED = [
    pytest.param(
        "lstm-weights",
        ["lstm", "--input", "39", "--cells", "1024", "--layers", "3", "--output", "34"],
        {"convention": "weights", "input": 39, "cells": 1024, "layers": 3, "output": 34},
        id="lstm-weights",
    ),
    pytest.param(
        "lstm-pytorch-bidirectional-proj",
        [
            *("lstm", "--input", "40", "--cells", "320", "--proj", "128", "--layers", "2"),
            *("--bidirectional", "--output", "10"),
        ],
        {
            "convention": "pytorch",
            "input": 40,
            "cells": 320,
            "proj": 128,
            "layers": 2,
            "bidirectional": True,
            "output": 10,
        },
        id="pytorch-bidirectional-proj",
    ),
    pytest.param(
        "lstm-graves2013-skip",
        ["lstm", "--input", "205", "--cells", "700", "--layers", "5", "--output", "205"],
        {"convention": "graves2013", "input": 205, "cells": 700, "layers": 5, "output": 205},
        id="graves2013-skip",
    ),
    pytest.param(
        "gru-keras-embedding-tied",
        ["gru", "--input", "64", "--cells", "64", "--layers", "2", "--vocab", "1000", "--tied"],
        {"convention": "keras", "input": 64, "cells": 64, "layers": 2, "vocab": 1000, "tied": True},
        id="gru-keras-tied",
    ),
]


@pytest.mark.parametrize(("name", "argv", "design"), EXPLAINED)
def test_explain_golden(
    capsys: pytest.CaptureFixture[str], name: str, argv: list[str], design: dict[str, Any]
) -> None:
    argv = ["explain", *argv, "--convention", design["convention"]]
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    _golden(name, out)
    status, out, err = _run(capsys, [*argv, "--json"])
    assert status == 0, err
    data = json.loads(out)
    sizes = {k: v for k, v in design.items() if k != "convention"}
    total = explorer.count(argv[1], convention=design["convention"], **sizes).total
    assert data["total"] == total
    assert sum(t["count"] for t in data["terms"]) == total  # the breakdown adds up
    assert sum(data["subtotals"].values()) == total
    for term in data["terms"]:  # the arithmetic shown gives the count (read by the safe parser)
        shown = parse_expression(term["arithmetic"].replace(" x ", " * "), ())
        assert shown.evaluate({}) == term["count"], term["name"]


def test_explain_says_which_inputs_feed_each_term(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys,
        [
            *("explain", "lstm", "--input", "39", "--cells", "1024", "--layers", "3"),
            *("--output", "34", "--convention", "weights"),
        ],
    )
    assert status == 0
    lines = out.splitlines()
    at = lines.index("  layer 2 input-to-gates (weight_ih_l2): 4 x 1024 x 1024 = 4,194,304")
    assert lines[at + 1] == (
        "    because each of the 4 gates (i, f, g, o) of the 1024 cells sees the 1024 outputs "
        "of layer 1"
    )
    assert lines[-1] == (
        "total: 21,166,080 = 4,354,048 (layer 0) + 8,388,608 (layer 1) + 8,388,608 (layer 2) "
        "+ 34,816 (output)"
    )


@pytest.mark.parametrize(
    ("family", "design", "name", "words"),
    [
        pytest.param(
            "lstm",
            {"convention": "graves2013", "input": 205, "cells": 700, "layers": 2, "output": 205},
            "output.weight",
            "every layer (2 x 700: skip connections from every layer to the output",
            id="skip-to-output",
        ),
        pytest.param(
            "lstm",
            {"convention": "graves2013", "input": 205, "cells": 700, "layers": 2},
            "weight_skip_l1",
            "also sees the 205 network inputs directly",
            id="skip-from-input",
        ),
        pytest.param(
            "lstm",
            {"convention": "sak2014", "input": 39, "cells": 64, "layers": 1},
            "weight_peephole_l0",
            "each of the 64 cells has 3 peepholes",
            id="peepholes",
        ),
        pytest.param(
            "lstm",
            {"input": 8, "cells": 16, "layers": 2, "bidirectional": True},
            "weight_ih_l1_reverse",
            "sees the 32 outputs of layer 0 (both directions concatenated: 2 x 16)",
            id="bidirectional-concat",
        ),
        pytest.param(
            "lstm",
            {"input": 8, "cells": 16, "layers": 2, "bidirectional": True, "merge": "sum"},
            "weight_ih_l1",
            "sees the 16 outputs of layer 0 (the two directions merged by sum)",
            id="bidirectional-sum",
        ),
        pytest.param(
            "lstmp",
            {"convention": "sak2014", "input": 39, "cells": 64, "proj": 16, "nonrec_proj": 8}
            | {"layers": 2},
            "weight_ih_l1",
            "sees the 24 outputs of layer 0 (its non-recurrent and recurrent projections: 8 + 16)",
            id="projections",
        ),
        pytest.param(
            "gru",
            {"input": 8, "cells": 16},
            "bias_hh_l0",
            "the second bias vector, on the recurrent side (b_hh): 48 more",
            id="double-bias",
        ),
        pytest.param(
            "rnn",
            {"convention": "keras", "input": 8, "cells": 16},
            "bias_l0",
            "one bias per cell (16), a single vector",
            id="single-bias",
        ),
        pytest.param(
            "lstm",
            {"convention": "keras", "input": 32, "cells": 32, "vocab": 100, "tied": True},
            "embedding.weight",
            "the output layer shares this matrix (tied), so it is counted once, here",
            id="tied",
        ),
    ],
)
def test_explain_reasons(family: str, design: dict[str, Any], name: str, words: str) -> None:
    terms = {t.name: t for t in explain(explorer.count(family, **design)).terms}
    assert words in terms[name].why


def test_explain_a_symbolic_depth_shows_the_copies() -> None:
    symbolic = explorer.formula("lstm", convention="weights", input=39, cells=1024)
    bound = dataclasses.replace(symbolic, values=(39, 1024, 3))  # the depth bound to 3
    terms = {t.name: t for t in explain(bound).terms}
    assert terms["weight_ih_l[1:L]"].arithmetic == "(3 - 1) x 4 x 1024 x 1024"
    assert terms["weight_ih_l[1:L]"].count == 2 * 4 * 1024 * 1024
    assert "outputs of the layer below" in terms["weight_ih_l[1:L]"].why


@dataclass
class _Info:
    name: str
    kind: str
    meaning: str
    group: str
    shape_text: tuple[str, ...]
    copies_text: str = "1"
    role: Role = field(default_factory=lambda: Role("", ""))


@dataclass
class _Compiled:
    terms: tuple[_Info, ...]


@dataclass
class _DuckCount:
    """The attributes explain() reads, and nothing else (what a spec's count offers)."""

    compiled: _Compiled
    breakdown: dict[str, int]
    shapes: dict[str, tuple[int, ...]]
    subtotals: dict[str, int]
    total: int
    symbols: tuple[Any, ...] = ()
    values: tuple[int | None, ...] = ()
    title: str = "spec duck"
    sizes: dict[str, Any] = field(default_factory=dict)


def test_explain_takes_any_count_like_object() -> None:
    role = Role("weight_ih", "input-to-gates", "0", block="gates", extras=(("gates", "ifgo"),))
    info = _Info("enc/weight_ih_l0", "weight", "layer 0: input", "enc", ("4*d", "d"), role=role)
    duck = _DuckCount(
        compiled=_Compiled((info,)),
        breakdown={"enc/weight_ih_l0": 4 * 8 * 8},
        shapes={"enc/weight_ih_l0": (32, 8)},
        subtotals={"enc": 256},
        total=256,
    )
    explanation = explain(duck)
    (term,) = explanation.terms
    assert (explanation.title, term.arithmetic, term.count) == ("spec duck", "4 x 8 x 8", 256)
    assert (
        term.why
        == "each of the 4 gates (i, f, g, o) of the 8 cells sees the 8 inputs of the network"
    )


def test_explain_a_spec_count() -> None:
    spec = pytest.importorskip("explorer.spec")
    path = Path(__file__).parents[1] / "specs" / "shared_embedding.toml"
    count = spec.load_spec(path).count(d=64)
    explanation = explain(count)
    assert explanation.total == count.total == sum(t.count for t in explanation.terms)
    assert "encoder/weight_ih_l1" in {t.name for t in explanation.terms}


# -- the forum formula --------------------------------------------------------------------------
def test_forum_formula_golden(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, ["explain", *LSTMP_ARGV, "--formula", FORUM])
    assert status == 0, err
    _golden("forum-lstmp-formula", out)
    status, out, err = _run(capsys, ["explain", *LSTMP_ARGV, "--formula", FORUM, "--json"])
    assert status == 0, err
    data = json.loads(out)
    assert data["formula_value"] == 6_535_168
    assert data["true_value"] == explorer.count("lstmp", convention="sak2014", **LSTMP).total
    assert data["true_value"] == 9_099_264
    assert data["difference_value"] == data["true_value"] - data["formula_value"]
    assert sum(c["value"] for c in data["causes"]) == data["difference_value"]  # adds up
    assert data["guessed"] is True
    assert data["mapping"] == {
        "nc": "cells",
        "nr": "proj",
        "di": "layers",
        "ni": "input",
        "np": "nonrec_proj",
        "no": "output",
    }


def test_forum_formula_causes() -> None:
    result = compare_formula("lstmp", FORUM, convention="sak2014", **LSTMP)
    assert result.difference == "di*nc*np + 4*nc*(di - 1)*(np - ni)"
    missing, fed = result.causes
    assert missing.kind == "missing"
    assert missing.terms == ("weight_hp_l0", "weight_hp_l[1:L]")
    assert missing.value == 3 * 256 * 1024
    assert fed.kind == "substituted"
    assert fed.terms == ("weight_ih_l[1:L]",)
    assert "layers after the first" in fed.text
    assert "fed with ni + nr where the real input is np + nr" in fed.text
    assert fed.value == 4 * 1024 * 2 * (256 - 39)


def test_forum_formula_with_map(capsys: pytest.CaptureFixture[str]) -> None:
    mapping = "nc=cells,nr=proj,np=nonrec_proj,ni=input,no=output,di=layers"
    status, out, err = _run(
        capsys, ["explain", *LSTMP_ARGV, "--formula", FORUM, "--map", mapping, "--json"]
    )
    assert status == 0, err
    data = json.loads(out)
    assert data["guessed"] is False
    assert data["difference_value"] == 9_099_264 - 6_535_168
    assert {"formula", "mapping", "formula_value", "true_value", "difference", "causes"} <= set(
        data
    )


@pytest.mark.parametrize(
    ("family", "text", "design", "expected"),
    [
        pytest.param(
            "lstm",
            "4*nc*(ni+nc)*L + nc*no",
            {"convention": "weights", "input": 39, "cells": 1024, "layers": 3, "output": 34},
            [("substituted", ("weight_ih_l[1:L]",), "fed with ni where the real input is nc")],
            id="upper-layers-fed-with-the-input",
        ),
        pytest.param(
            "lstm",
            "4*(nc*(ni+nc)+nc)",
            {"convention": "pytorch", "input": 39, "cells": 1024},
            [("missing", ("bias_hh_l0",), "or, the same count, bias_ih_l0")],
            id="one-bias-vector-not-two",
        ),
        pytest.param(
            "lstm",
            "4*nc*(ni+nc) + 8*nc**2*L",
            {"convention": "weights", "input": 39, "cells": 1024, "layers": 3},
            [
                ("copies", ("weight_ih_l[1:L]",), "counted L times where the network has L - 1"),
                ("copies", ("weight_hh_l[1:L]",), "counted L times"),
            ],
            id="upper-layers-counted-L-times",
        ),
        pytest.param(
            "lstm",
            "8*nc*(ni+nc)",
            {"convention": "weights", "input": 39, "cells": 1024},
            [
                ("extra", ("weight_ih_l0",), "counted twice"),
                ("extra", ("weight_hh_l0",), "counted twice"),
            ],
            id="counted-twice",
        ),
        pytest.param(
            "lstm",
            "L*(4*n*(m+n)+7*n) + n*o + o",
            {"convention": "graves2013", "input": 205, "cells": 700, "layers": 5, "output": 205},
            [
                ("missing", ("weight_hh_l[1:L]",), "or, the same count, weight_ih_l[1:L]"),
                ("substituted", ("output.weight",), "fed with n where the real input is L*n"),
            ],
            id="graves-output-skip",
        ),
        pytest.param(
            "lstm",
            "4*nc*(ni+nc) + 17*ni**2",
            {"convention": "weights", "input": 39, "cells": 1024},
            [("unexplained", (), "in the formula but not in the count")],
            id="unexplained",
        ),
        pytest.param(
            "gru",
            "3*h*(x+h)",
            {"convention": "keras", "input": 64, "cells": 64, "vocab": 1000, "tied": True},
            [
                ("missing", ("embedding.weight",), "embedding table"),
                ("missing", ("bias_ih_l0",), "input-side biases"),
                ("missing", ("bias_hh_l0",), "recurrent-side biases"),
                ("missing", ("output.bias",), "output biases"),
            ],
            id="embedding-biases",
        ),
    ],
)
def test_causes_are_found_generically(
    family: str, text: str, design: dict[str, Any], expected: list[tuple[str, tuple[str], str]]
) -> None:
    result = compare_formula(family, text, **design)
    got = [(c.kind, c.terms) for c in result.causes]
    assert got == [(kind, terms) for kind, terms, _ in expected]
    for cause, (_, _, words) in zip(result.causes, expected):
        assert words in cause.text
    assert sum(c.value for c in result.causes) == result.difference_value


@pytest.mark.parametrize(
    ("text", "note"),
    [
        pytest.param(
            "4*n*(m+n) + 4*n + 3*n + (L-1)*(4*n*(m+2*n)+7*n) + L*n*o + o",
            "the formula agrees with the count for every size",
            id="agrees",
        ),
        pytest.param("n*o/L", "not a polynomial in the sizes", id="not-polynomial"),
    ],
)
def test_formula_notes(text: str, note: str) -> None:
    result = compare_formula(
        "lstm", text, convention="graves2013", input=205, cells=700, layers=5, output=205
    )
    assert note in result.note
    assert result.causes == ()


def test_a_formula_value_may_be_a_fraction(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, ["explain", "rnn", "--input", "3", "--cells", "2", "--formula", "n*(m+n)/4"]
    )
    assert status == 0
    assert "the formula gives 2.5 (= 5/2)" in out
    assert compare_formula("rnn", "n*(m+n)/4", input=3, cells=2).formula_value == Fraction(5, 2)


# -- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "keyword"),
    [
        pytest.param("nc", "cells", id="nc"),
        pytest.param("n_c", "cells", id="n_c"),
        pytest.param("hidden", "cells", id="hidden"),
        pytest.param("h", "cells", id="h"),
        pytest.param("ni", "input", id="ni"),
        pytest.param("m", "input", id="m"),
        pytest.param("r", "proj", id="r"),
        pytest.param("p", "nonrec_proj", id="p"),
        pytest.param("out", "output", id="out"),
        pytest.param("di", "layers", id="di"),
        pytest.param("L", "layers", id="L"),
        pytest.param("V", "vocab", id="V"),
        pytest.param("q", None, id="unknown"),
    ],
)
def test_guess_keyword(name: str, keyword: str | None) -> None:
    assert guess_keyword(name, "lstm") == keyword


def test_parse_mapping() -> None:
    assert parse_mapping("nc=cells, np=nonrec-proj,di=layers", "lstm") == {
        "nc": "cells",
        "np": "nonrec_proj",
        "di": "layers",
    }
    with pytest.raises(UnknownNameError, match="did you mean 'cells'"):
        parse_mapping("nc=cels", "lstm")
    with pytest.raises(UsageError, match="names 'nc' twice"):
        parse_mapping("nc=cells,nc=input", "lstm")


def test_library_refuses_with_the_hierarchy() -> None:
    with pytest.raises(FormulaError, match="found a function call"):
        compare_formula("rnn", "__import__('os')", input=3, cells=2)
    with pytest.raises(UsageError, match="cannot guess what zz stands for"):
        compare_formula("rnn", "zz*n", input=3, cells=2)


# -- bad input: one line, exit 2, quickly ---------------------------------------------------------
BASE = ["explain", "lstm", "--input", "39", "--cells", "64", "--layers", "2"]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        pytest.param("nc.__class__", "found attribute access", id="attribute"),
        pytest.param("__import__('os')", "found a function call", id="dunder-import"),
        pytest.param("__builtins__", "unknown name '__builtins__'", id="dunder-name"),
        pytest.param("().__class__.__bases__[0].__subclasses__()", "refused", id="escape"),
        pytest.param("lambda: nc", "found a lambda", id="lambda"),
        pytest.param("abs(nc)", "found a function call", id="call"),
        pytest.param("nc[0]", "found indexing", id="subscript"),
        pytest.param("[nc for nc in ni]", "found a comprehension", id="comprehension"),
        pytest.param("nc**99999999", "exponents must be whole numbers", id="huge-exponent"),
        pytest.param("nc**-1", "negative exponents", id="negative-exponent"),
        pytest.param("(nc**8)**8", "degree 64", id="huge-degree"),
        pytest.param("(((2**8)**8)**8)**8", "digits", id="huge-value"),
        pytest.param("nc" + "+nc" * 40_000, "characters, at most", id="long-string"),
        pytest.param("(" * 10_000 + "nc" + ")" * 10_000, "refused", id="deep-nesting-10k"),
        pytest.param("(" * 900 + "nc" + ")" * 900, "nested deeper", id="deep-nesting"),
        pytest.param("'nc'", "found str", id="string"),
        pytest.param("f'{nc}'", "found a string", id="f-string"),
        pytest.param("b'nc'", "found bytes", id="bytes"),
        pytest.param("(nc := 3)", "found an assignment", id="walrus"),
        pytest.param("nc; import os", "not valid arithmetic", id="semicolon"),
        pytest.param("import os", "not valid arithmetic", id="statement"),
        pytest.param("nc\nimport os", "not valid arithmetic", id="newline"),
        pytest.param("nc if ni else 0", "found a conditional", id="conditional"),
        pytest.param("nc == ni", "found a comparison", id="comparison"),
        pytest.param("nc @ ni", "operator MatMult", id="matmul"),
        pytest.param("1e308 * nc", "too large", id="huge-constant"),
        pytest.param("nc/0", "divides by zero", id="zero-division"),
        pytest.param("", "formula is empty", id="empty"),
        pytest.param("nc*zz", "cannot guess what zz stands for", id="unmapped-name"),
        pytest.param("nc*h", "nc, h all stand for cells", id="two-names-one-size"),
        pytest.param(
            "nc*no", "the formula uses no for output: give its size, --output N", id="size"
        ),
    ],
)
def test_hostile_formulas_are_refused(
    capsys: pytest.CaptureFixture[str], formula: str, message: str
) -> None:
    status, out, err = _run(capsys, [*BASE, "--formula", formula])
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert message in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(["--map", "nc=cells"], "give --formula too", id="map-alone"),
        pytest.param(
            ["--formula", "nc*ni", "--map", "nc=cells"],
            "--map does not say what ni stands for",
            id="map-incomplete",
        ),
        pytest.param(
            ["--formula", "nc*ni", "--map", "nc=cells,ni=inptu"],
            "did you mean 'input'",
            id="map-keyword",
        ),
        pytest.param(
            ["--formula", "nc*ni", "--map", "nc=cells,ni=input,zz=output"],
            "--map names zz, not in the formula",
            id="map-unused",
        ),
        pytest.param(
            ["--formula", "nc*ni", "--map", "nc=cells,ni"], "--map must look like", id="map-syntax"
        ),
        pytest.param(
            ["--formula", "nc*ni", "--map", "nc=cells,__class__=input"],
            "not a usable name",
            id="map-dunder",
        ),
        pytest.param(
            ["--formula", "nc*ni", "--cells", "64,32"],
            "gives one per layer",
            id="per-layer-cells",
        ),
    ],
)
def test_bad_explain_options(
    capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    status, out, err = _run(capsys, [*BASE, *extra])
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_the_count_needs_every_size(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, ["explain", "lstm", "--cells", "64", "--formula", "4*nc**2"])
    assert status == 2
    assert "the count needs input (n_i): give --input N, or use it in the formula" in err
