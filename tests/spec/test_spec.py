"""Spec files: composition, symbols, shared matrices, and errors that name file and key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sympy

import explorer
from explorer.cli import main
from explorer.errors import InvalidSizeError, SpecError, UnboundSizeError
from explorer.solver import solve_spec
from explorer.spec import load_spec, parse_spec

SPECS = Path(__file__).parents[1] / "specs"


def test_parts_add_up_to_the_single_family_counts() -> None:
    spec = load_spec(SPECS / "seq2seq.toml")
    count = spec.count(d=1000)
    encoder = explorer.count(
        "lstm", convention="keras", vocab=160_000, input=1000, cells=1000, layers=4
    )
    decoder = explorer.count(
        "lstm", convention="keras", vocab=80_000, input=1000, cells=1000, layers=4, output=80_000
    )
    assert count.total == encoder.total + decoder.total == 384_112_000
    assert sum(count.breakdown.values()) == count.total
    assert sum(count.subtotals.values()) == count.total
    assert count.weights + count.biases == count.total
    assert count.breakdown["decoder/output.weight"] == 80_000_000


def test_symbols_stay_symbolic_and_evaluate_exactly() -> None:
    count = load_spec(SPECS / "seq2seq.toml").count()
    d = sympy.Symbol("d", positive=True)
    assert count.free == ("d",)
    assert sympy.expand(count.formula - (64 * d**2 + 320_032 * d + 80_000)) == 0
    assert count.evaluate(d=1000) == 384_112_000
    with pytest.raises(UnboundSizeError, match="free symbols d"):
        _ = count.total


def test_shared_matrix_is_counted_once() -> None:
    spec = load_spec(SPECS / "shared_embedding.toml")
    count = spec.count(d=256)
    assert "decoder/embedding.weight" not in count.breakdown
    assert count.breakdown["encoder/embedding.weight"] == 5000 * 256
    unshared = parse_spec(
        {k: v for k, v in _raw(SPECS / "shared_embedding.toml").items() if k != "shared"}, "inline"
    )
    assert unshared.count(d=256).total - count.total == 5000 * 256


def _raw(path: Path) -> dict[str, Any]:
    from explorer._toml import loads

    return loads(path.read_text())


def test_solve_spec_for_the_shared_symbol() -> None:
    spec = load_spec(SPECS / "seq2seq.toml")
    solution = solve_spec(spec, budget="384M")
    assert solution.sizes == {"d": 1000}
    totals = {d: spec.count(d=d).total for d in range(990, 1010)}
    best = min(totals, key=lambda d: (abs(totals[d] - 384_000_000), d))
    assert (solution.value, solution.total) == (best, totals[best])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        pytest.param({"parts": []}, "at least one", id="no-parts"),
        pytest.param(
            {"parts": [{"family": "lstn", "input": 3, "cells": 4}]},
            "did you mean 'lstm'",
            id="family",
        ),
        pytest.param(
            {"parts": [{"family": "lstm", "input": 3, "cels": 4}]},
            "part 'part0': unknown key 'cels'; did you mean 'cells'",
            id="part-key",
        ),
        pytest.param({"part": []}, "unknown key 'part'; did you mean 'parts'", id="top-key"),
        pytest.param(
            {"parts": [{"family": "lstm", "cells": 4}]}, "input is required", id="missing-input"
        ),
        pytest.param(
            {"convention": "pytroch", "parts": [{"family": "lstm"}]},
            "did you mean 'pytorch'",
            id="convention",
        ),
        pytest.param(
            {"parts": [{"family": "lstm", "input": 3, "cells": "d"}]},
            "'d' is not a symbol declared in \\[symbols\\]",
            id="undeclared",
        ),
        pytest.param(
            {"symbols": {"__class__": "x"}, "parts": [{"family": "lstm"}]},
            "not a usable symbol name",
            id="bad-symbol-name",
        ),
        pytest.param(
            {"symbols": {"d": "w"}, "parts": [{"family": "lstm", "input": 3, "cells": ["d", 4]}]},
            "per-layer lists take numbers",
            id="symbol-in-list",
        ),
        pytest.param(
            {
                "parts": [
                    {"name": "a", "family": "lstm", "input": 1, "cells": 1},
                    {"name": "a", "family": "gru", "input": 1, "cells": 1},
                ]
            },
            "part names must differ",
            id="duplicate-parts",
        ),
        pytest.param(
            {
                "parts": [{"name": "a", "family": "lstm", "input": 3, "cells": 4}],
                "shared": [{"term": "a/embeding.weight", "with": "a/weight_ih_l0"}],
            },
            "no term 'a/embeding.weight'",
            id="shared-unknown",
        ),
    ],
)
def test_malformed_specs_name_the_key(data: dict[str, Any], match: str) -> None:
    with pytest.raises(SpecError, match=match):
        parse_spec(data, "model.toml")


def test_bad_sizes_in_a_part_name_the_part() -> None:
    spec = parse_spec(
        {"parts": [{"name": "enc", "family": "lstm", "input": -3, "cells": 4}]}, "model.toml"
    )
    with pytest.raises(SpecError, match=r"model\.toml: part 'enc': input must be a positive"):
        spec.count()


def test_binding_an_unknown_symbol() -> None:
    spec = load_spec(SPECS / "seq2seq.toml")
    with pytest.raises(InvalidSizeError, match=r"no symbol 'e' \(symbols: d\)"):
        spec.count(e=3)


@pytest.mark.parametrize(
    ("argv", "check"),
    [
        pytest.param(
            ["count", "--spec", str(SPECS / "seq2seq.toml"), "--set", "d=1000", "--json"],
            lambda d: d["total"] == 384_112_000 and d["spec"] == "seq2seq",
            id="count",
        ),
        pytest.param(
            ["formula", "--spec", str(SPECS / "seq2seq.toml"), "--json"],
            lambda d: d["free"] == ["d"] and "d**2" in d["formula"],
            id="formula",
        ),
        pytest.param(
            ["solve", "--spec", str(SPECS / "seq2seq.toml"), "--budget", "384M", "--json"],
            lambda d: d["sizes"] == {"d": 1000},
            id="solve",
        ),
    ],
)
def test_cli_accepts_specs(capsys: pytest.CaptureFixture[str], argv: list[str], check: Any) -> None:
    assert main(argv) == 0
    assert check(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["count", "--spec", "missing.toml"], r"missing.toml: cannot read", id="missing"
        ),
        pytest.param(
            ["count", "lstm", "--spec", str(SPECS / "seq2seq.toml")],
            "not both",
            id="family-and-spec",
        ),
        pytest.param(
            ["count", "--spec", str(SPECS / "seq2seq.toml"), "--cells", "3"],
            "sizes come from the file",
            id="sizes-and-spec",
        ),
        pytest.param(["count", "--spec", str(SPECS / "seq2seq.toml")], "--set d=N", id="unbound"),
        pytest.param(
            ["count", "--spec", str(SPECS / "seq2seq.toml"), "--set", "d=x"],
            "--set must look like d=1000",
            id="set-syntax",
        ),
        pytest.param(
            ["count", "lstm", "--input", "3", "--cells", "4", "--set", "d=3"],
            "add --spec",
            id="set-without-spec",
        ),
        pytest.param(["count"], "give a FAMILY", id="nothing"),
    ],
)
def test_cli_spec_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err


def test_malformed_toml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = [\n")
    assert main(["count", "--spec", str(path)]) == 2
    assert f"{path}: not valid TOML" in capsys.readouterr().err


_TWO_LSTMS = """
[[parts]]
name = "a"
family = "lstm"
input = 39
cells = 64
layers = 2
[[parts]]
name = "b"
family = "lstm"
input = 39
cells = 64
layers = 2
"""
_SHARE = '[[shared]]\nterm = "{}"\nwith = "{}"\n'


@pytest.mark.parametrize(
    ("shared", "total"),
    [
        pytest.param([], 120_320, id="unshared"),
        pytest.param([("a/weight_ih_l0", "a/weight_ih_l0")], 120_320, id="term-with-itself"),
        pytest.param([("a/weight_ih_l0", "b/weight_ih_l0")], 110_336, id="one-pair"),
        pytest.param(
            [("a/weight_ih_l0", "b/weight_ih_l0"), ("b/weight_ih_l0", "a/weight_ih_l0")],
            110_336,
            id="pair-both-ways",
        ),
        pytest.param(
            [("a/weight_hh_l0", "b/weight_hh_l0"), ("b/weight_hh_l0", "a/weight_hh_l1")],
            120_320 - 2 * 16_384,
            id="three-as-one",
        ),
    ],
)
def test_shared_terms_are_one_matrix_counted_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared: list[tuple[str, str]], total: int
) -> None:
    path = tmp_path / "two.toml"
    path.write_text(_TWO_LSTMS + "".join(_SHARE.format(*pair) for pair in shared))
    count = load_spec(path).count()
    assert count.total == total
    assert sum(count.breakdown.values()) == total
    assert main(["count", "--spec", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == total


_PART = '[[parts]]\nfamily = "lstm"\ninput = 3\ncells = 4\n'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            'convention = ["keras"]\n' + _PART, "convention must be one of", id="list-convention"
        ),
        pytest.param(
            _PART.replace('"lstm"', "{a = 1}"), "family must be one of", id="table-family"
        ),
        pytest.param(_PART + 'convention = ["x"]\n', "convention must be one of", id="part-conv"),
        pytest.param(_PART.replace("4", "true"), "cells must be an integer", id="bool-cells"),
        pytest.param(_PART.replace("4", "4.5"), "cells must be an integer", id="float-cells"),
        pytest.param(_PART.replace("4", "1979-05-27"), "cells must be an integer", id="date"),
        pytest.param("shared = 5\n" + _PART, "shared must be [[shared]] tables", id="shared-int"),
        pytest.param("name = {a = 1}\n" + _PART, "name must be text", id="table-name"),
        pytest.param("description = [1]\n" + _PART, "description must be text", id="desc"),
        pytest.param(_PART + "name = [1]\n", "name must be text of 1 to 64", id="part-name"),
        pytest.param(_PART + 'name = "a/b"\n', "without '/'", id="part-name-slash"),
        pytest.param(_PART + 'bias = ["x"]\n', "bias must be one of", id="list-flag-choice"),
        pytest.param(_PART + 'peepholes = "yes"\n', "peepholes must be true or", id="flag-text"),
        pytest.param(_PART + "bidirectional = 1\n", "bidirectional must be true", id="bool-int"),
        pytest.param(_PART + "merge = [1]\n", "merge must be one of", id="list-choice"),
        pytest.param(_PART + "proj = [true]\n", "proj must be an integer", id="bool-in-list"),
        pytest.param(_PART.replace("4", str(2**63)), "at most 10**18", id="huge-size"),
        pytest.param("a = " + "[" * 5000 + "]" * 5000 + "\n", "nest too deeply", id="deep"),
        pytest.param("a = " + "{b = " * 3000 + "1" + "}" * 3000, "nest too deeply", id="deep-t"),
        pytest.param(
            b'name = "caf\xe9"\n' + _PART.encode(), "not UTF-8 text (byte 0xe9", id="latin1"
        ),
        pytest.param(bytes(range(256)), "not UTF-8 text (byte 0x80 at offset 128)", id="binary"),
        pytest.param(b"\xff\xfe" + _PART.encode("utf-16-le"), "not UTF-8 text", id="utf-16"),
        pytest.param("#" * 1_000_001, "over 1,000,000 bytes", id="too-large"),
    ],
)
def test_malformed_spec_files_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, expected: str
) -> None:
    path = tmp_path / "model.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    for command in (["count"], ["formula"], ["explain"], ["solve", "--budget", "1M"]):
        assert main([*command, "--spec", str(path)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith(f"error: {path}: ")
        assert expected in err


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + _PART.encode())
    assert load_spec(path).count().total == explorer.count("lstm", input=3, cells=4).total


def test_a_solved_spec_names_its_convention(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", "--spec", str(SPECS / "seq2seq.toml"), "--budget", "384M"]) == 0
    assert "design: spec seq2seq (convention keras): d=" in capsys.readouterr().out
    mixed = parse_spec(
        {
            "parts": [
                {"name": "a", "family": "lstm", "input": 3, "cells": "d"},
                {"name": "b", "family": "gru", "input": 3, "cells": "d", "convention": "keras"},
            ],
            "symbols": {"d": "width"},
        },
        "mixed.toml",
    )
    assert solve_spec(mixed, budget="1M").convention == "per part: a pytorch, b keras"


def test_spec_sizes_are_bounded() -> None:
    spec = load_spec(SPECS / "seq2seq.toml")
    with pytest.raises(InvalidSizeError, match=r"d must be at most 10\*\*18"):
        spec.count(d=10**19)
