"""Adding a family is one module and one registry line: a minimal gated unit (MGU, two
gates), registered here, works everywhere the built-in families do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import explorer
from explorer.cli import main
from tests.cli_helpers import run as run_cli
from tests.families.mgu import MGU


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(explorer.FAMILIES, "mgu", MGU)  # the one registry line


def _by_hand(m: int, n: int, layers: int, output: int) -> int:
    """2 gates: 2n(m+n) for the first layer, 2n(n+n) above it, n*o + o for the output."""
    return 2 * n * (m + n) + (layers - 1) * 2 * n * (2 * n) + n * output + output


def test_count_and_formula() -> None:
    c = explorer.count("mgu", convention="keras", input=39, cells=64, layers=3, output=10)
    assert c.total - c.biases == _by_hand(39, 64, 3, 10) - 10
    assert c.biases == 3 * 2 * 64 + 10  # one vector per gate set, and the output's
    assert c.breakdown["weight_ih_l0"] == 2 * 64 * 39
    f = explorer.formula("mgu", convention="weights")
    assert str(f.formula) == "4*n_c**2*(L - 1) + 2*n_c**2 + 2*n_c*n_i"


def test_solve_and_search(capsys: pytest.CaptureFixture[str]) -> None:
    s = explorer.solve("mgu", budget="1M", convention="weights", input=39, layers=2)
    assert explorer.count("mgu", convention="weights", **s.sizes).total == s.total
    assert s.below is not None
    assert s.above is not None
    assert s.below.total <= 1_000_000 <= s.above.total
    status, out, err = run_cli(capsys, ["solve", "--budget", "1M", "--arch", "mgu", "--json"])
    assert status == 0, err
    assert json.loads(out)["family"] == "mgu"
    from searches import make_space, search

    result = search(
        make_space(families=("mgu", "gru"), layers=(1, 2)),
        budget="1M",
        objectives="depth",
        trials=6,
        seed=0,
    )
    assert result.on_budget_fraction == 1.0
    assert {t.design.family for t in result.trials if t.design} <= {"mgu", "gru"}


def test_spec_and_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "mgu.toml"
    spec.write_text(
        'convention = "weights"\n[symbols]\nd = "width"\n'
        '[[parts]]\nfamily = "mgu"\ninput = 39\ncells = "d"\nlayers = 3\n',
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, ["count", "--spec", str(spec), "--set", "d=64", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _by_hand(39, 64, 3, 0)
    status, out, err = run_cli(
        capsys, ["explain", "mgu", "--input", "39", "--cells", "64", "--convention", "weights"]
    )
    assert status == 0, err
    assert "each of the 2 gates (f, h) of the 64 cells sees the 39 inputs" in out


def test_help_names_the_family_and_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["count", "mgu", "--help"])
    out = capsys.readouterr().out
    assert "mgu" in out
    assert "--cells" in out
    assert "--proj" not in out  # an MGU has no projection
