"""Golden files for the printed count tables and formulas (torchinfo-style): each
comparison also checks that the printed breakdown adds up to the printed total."""

from __future__ import annotations

import re

import pytest

from explorer.cli import main
from tests.golden_files import check_golden

CASES = [
    pytest.param(
        "lstm-weights-forum",
        [
            "count",
            "lstm",
            "--input",
            "39",
            "--cells",
            "1024",
            "--layers",
            "3",
            "--output",
            "34",
            "--convention",
            "weights",
        ],
        id="lstm-weights-forum",
    ),
    pytest.param(
        "lstm-graves2013-wikipedia",
        [
            "count",
            "lstm",
            "--input",
            "205",
            "--cells",
            "700",
            "--layers",
            "5",
            "--output",
            "205",
            "--convention",
            "graves2013",
        ],
        id="lstm-graves2013-wikipedia",
    ),
    pytest.param(
        "lstmp-pytorch-bidirectional",
        [
            "count",
            "lstmp",
            "--input",
            "40",
            "--cells",
            "512",
            "--proj",
            "128",
            "--layers",
            "2",
            "--bidirectional",
            "--output",
            "10",
        ],
        id="lstmp-pytorch-bidirectional",
    ),
    pytest.param(
        "gru-keras-tied",
        [
            "count",
            "gru",
            "--input",
            "256",
            "--cells",
            "256",
            "--layers",
            "2",
            "--vocab",
            "5000",
            "--tied",
            "--convention",
            "keras",
        ],
        id="gru-keras-tied",
    ),
]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.mark.parametrize(("name", "argv"), CASES)
def test_count_tables(capsys: pytest.CaptureFixture[str], name: str, argv: list[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    check_golden("count", name, out)
    total = _number(re.search(r"^total ([\d,]+) = ", out, re.M).group(1))  # type: ignore[union-attr]
    subtotals = [_number(m) for m in re.findall(r"^\s+([\d,]+)\s+subtotal ", out, re.M)]
    terms = [_number(m) for m in re.findall(r"^  \S+\s+\S+\s+.+?\s([\d,]+)\s+\d", out, re.M)]
    assert sum(subtotals) == total
    assert sum(terms) == total


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        pytest.param(
            "lstm-weights-symbolic-depth",
            ["formula", "lstm", "--convention", "weights", "--output"],
            id="lstm-weights-symbolic-depth",
        ),
        pytest.param(
            "lstmp-sak2014-nonrec",
            ["formula", "lstmp", "--convention", "sak2014", "--proj", "--nonrec-proj", "--output"],
            id="lstmp-sak2014-nonrec",
        ),
        pytest.param(
            "gru-pytorch-latex",
            ["formula", "gru", "--layers", "2", "--latex"],
            id="gru-pytorch-latex",
        ),
    ],
)
def test_formulas(capsys: pytest.CaptureFixture[str], name: str, argv: list[str]) -> None:
    assert main(argv) == 0
    check_golden("formula", name, capsys.readouterr().out)
