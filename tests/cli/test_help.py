"""Help that reads: without a family, the options every command shares and a line to a
family's own; with one, that family's sizes and its defaults (issue 23: count --help was 193
lines whose defaults contradicted each other across families)."""

from __future__ import annotations

import pytest

from explorer.cli import main


def _help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


def test_count_help_without_a_family(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys, ["count"])
    assert "'explorer count FAMILY --help' lists a family's sizes" in " ".join(out.split())
    assert "--d-model" not in out
    assert "--cells" not in out
    assert len(out.splitlines()) < 120


@pytest.mark.parametrize(
    ("family", "shown", "absent"),
    [
        pytest.param("llama", "--d-model", "--cells", id="llama"),
        pytest.param("lstm", "--cells", "--d-model", id="lstm"),
    ],
)
def test_count_help_of_a_family(
    family: str, shown: str, absent: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _help(capsys, ["count", family])
    assert shown in out
    assert absent not in out


def test_sizes_are_accepted_without_a_family_named(capsys: pytest.CaptureFixture[str]) -> None:
    """Not listed is not refused: the family still says what is its own."""
    status = main(["count", "--layers", "3"])
    assert status == 2
    assert "give a FAMILY" in capsys.readouterr().err
