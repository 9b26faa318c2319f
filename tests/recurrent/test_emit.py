"""``--emit torch``: a design as torch.nn code, built on the meta device to check that it
has exactly the counted parameters; what torch cannot build is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

import explorer
from explorer.errors import ConflictError
from explorer.families import torch_code_of
from tests.cli_helpers import run


def _built_total(code: str) -> int:
    """Run the emitted code on the meta device; the parameters of its ``model``."""
    torch = pytest.importorskip("torch")
    namespace: dict[str, Any] = {}
    with torch.device("meta"):
        exec(compile(code, "<emitted>", "exec"), namespace)  # our own generated code
    return sum(p.numel() for p in namespace["model"].parameters())


@pytest.mark.torch
@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--layers", "3"], id="forum-default"),
        pytest.param(["--arch", "gru", "--layers", "2", "--input", "80"], id="gru"),
        pytest.param(["--arch", "rnn", "--layers", "4", "--output", "0"], id="rnn-no-output"),
        pytest.param(["--arch", "lstmp", "--cells", "1024", "--layers", "2"], id="lstmp-proj"),
        pytest.param(["--layers", "2", "--bidirectional", "--output", "10"], id="bidirectional"),
        pytest.param(["--layers", "2", "--vocab", "10000", "--input", "128"], id="embedding"),
        pytest.param(["--layers", "2", "--convention", "weights"], id="no-biases"),
        pytest.param(["--layers", "2", "--bias", "none"], id="recurrent-bias-off"),
        pytest.param(["--layers", "2", "--no-output-bias"], id="output-bias-off"),
        pytest.param(
            ["--layers", "2", "--tie", "proj=cells/4", "--bidirectional"], id="tied-projection"
        ),
    ],
)
def test_solved_design_emitted_as_torch_builds_the_solved_total(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, out, err = run(capsys, ["solve", "--budget", "6.5M", *argv, "--emit", "torch"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("# ")
    assert "for a budget of 6,500,000" in lines[0]
    status, out, err = run(
        capsys, ["solve", "--budget", "6.5M", *argv, "--emit", "torch", "--json"]
    )
    assert status == 0, err
    data = json.loads(out)
    assert _built_total(data["torch"]) == data["total"]
    assert _built_total("\n".join(lines)) == data["total"]


@pytest.mark.torch
@pytest.mark.parametrize(
    "sizes",
    [
        pytest.param({"input": 39, "cells": 64, "layers": 3, "output": 34}, id="plain"),
        pytest.param(
            {"input": 128, "cells": 64, "vocab": 500, "tied": True, "bidirectional": True},
            id="tied-embedding",
        ),
        pytest.param(
            {"input": 16, "cells": 64, "proj": 16, "vocab": 500, "tied": True, "layers": 2},
            id="tied-through-projection",
        ),
    ],
)
def test_counted_design_emitted_as_torch_builds_the_count(
    capsys: pytest.CaptureFixture[str], sizes: dict[str, Any]
) -> None:
    expected = explorer.count("lstm", **sizes)
    code = torch_code_of(explorer.FAMILIES["lstm"], expected.structure, expected.sizes)
    assert _built_total(code) == expected.total
    argv = ["count", "lstm", "--emit", "torch", "--json"]
    for key, value in sizes.items():
        option = "--" + key.replace("_", "-")
        argv += [option] if value is True else [option, str(value)]
    status, out, err = run(capsys, argv)
    assert status == 0, err
    data = json.loads(out)
    assert data["total"] == expected.total
    assert _built_total(data["torch"]) == expected.total


def test_emitted_constructor_reads_as_pytorch() -> None:
    c = explorer.count("lstm", input=39, cells=565, layers=3, output=34, proj=128)
    code = torch_code_of(explorer.FAMILIES[c.family.name], c.structure, c.sizes)
    assert "lstm = nn.LSTM(39, 565, num_layers=3, proj_size=128)" in code
    assert "output = nn.Linear(128, 34)" in code


@pytest.mark.parametrize(
    ("family", "design", "match"),
    [
        pytest.param(
            "lstm", {"convention": "sak2014"}, r"peepholes \(torch.nn.LSTM has none\)", id="peep"
        ),
        pytest.param("lstm", {"skip": True, "layers": 2}, "skip connections", id="skip"),
        pytest.param(
            "lstm",
            {"proj": 16, "nonrec_proj": 8, "convention": "weights"},
            "a non-recurrent projection",
            id="nonrec",
        ),
        pytest.param("lstm", {"cells": [64, 32]}, "per-layer sizes", id="per-layer"),
        pytest.param("rnn", {"convention": "keras"}, "one bias vector per gate set", id="bias"),
        pytest.param(
            "lstm",
            {"bidirectional": True, "merge": "sum"},
            "merge sum",
            id="merge",
        ),
        pytest.param(
            "lstm",
            {"proj": 64, "convention": "weights"},
            r"proj 64 not below cells 64",
            id="wide-projection",
        ),
    ],
)
def test_what_torch_cannot_build_is_refused(
    family: str, design: dict[str, Any], match: str
) -> None:
    sizes = {"input": 39, "cells": 64, **design}
    c = explorer.count(family, **sizes)
    with pytest.raises(ConflictError, match=match):
        torch_code_of(explorer.FAMILIES[c.family.name], c.structure, c.sizes)


def test_emit_refused_on_the_command_line_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        ["solve", "--budget", "6.5M", "--convention", "graves2013", "--emit", "torch"],
    )
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: PyTorch cannot build this design: peepholes")
