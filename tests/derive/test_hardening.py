"""``derive`` runs user code and reads files users may edit: the fence around a build (an
exit, a hang, prints), formulas that are no counts, the cache's checksum and keys, bounds
on the ranges, and the small refusals and words that were wrong (regressions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import explorer
from explorer.derivation import Derived, derive, is_derived_file, load_derived
from explorer.derivation._errors import NoPolynomialError
from explorer.errors import InvalidSizeError, SpecError
from explorer.spec import load_spec
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parents[2]
MODULES = "tests.derive.derive_modules"


def _needs_torch() -> None:
    pytest.importorskip("torch")


# -- the fence around user code ----------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("code", [3, 0], ids=["exit-3", "exit-0"])
def test_sys_exit_in_a_constructor_is_an_error(
    capsys: pytest.CaptureFixture[str], code: int
) -> None:
    _needs_torch()
    argv = ["derive", f"{MODULES}.Exits", "--vary", "n=1:16", "--set", f"code={code}"]
    status, out, err = run(capsys, [*argv, "--no-cache", "--json"])
    assert (status, out) == (2, "")
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert f"called sys.exit({code})" in err


@pytest.mark.torch
def test_a_build_that_hangs_is_stopped_at_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_torch()
    argv = ["derive", f"{MODULES}.Sleeps", "--vary", "n=1:16", "--build-timeout", "0.3"]
    status, out, err = run(capsys, [*argv, "--no-cache"])
    assert (status, out) == (2, "")
    assert "took longer than 0.3 s" in err
    assert "--build-timeout" in err


def test_build_timeout_must_be_a_number_of_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["derive", "torch.nn.Linear", "--vary", "x", "--build-timeout", "0"]
    status, _, err = run(capsys, argv)
    assert status == 2
    assert "between 0 and 86400 seconds" in err


@pytest.mark.torch
def test_prints_of_the_target_go_to_stderr_and_json_stays_one_object(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _needs_torch()
    status, out, err = run(
        capsys, ["derive", f"{MODULES}.Prints", "--vary", "n=1:32", "--no-cache", "--json"]
    )
    assert status == 0
    assert json.loads(out)["formula"] == "2*n"
    assert "building Prints(" in err


@pytest.mark.torch
def test_a_module_that_exits_while_imported_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_torch()
    (tmp_path / "leaves.py").write_text("import sys\nprint('hello')\nsys.exit(0)\n")
    status, out, err = run(
        capsys, ["derive", f"{tmp_path / 'leaves.py'}:Net", "--vary", "n", "--no-cache"]
    )
    assert (status, out) == (2, "")
    assert "called sys.exit(0)" in err


def test_help_says_the_target_is_imported_and_run(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="0"):
        explorer.cli.main(["derive", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "The target's module is imported and its constructor run" in text
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "imported and its constructor run" in readme


# -- formulas that are no counts ----------------------------------------------------------------
NEGATIVE = {
    "format": 1,
    "target": "torch.nn.Linear",
    "formula": "out_features*(in_features + 1) - 51200000000",
    "variables": ["in_features", "out_features"],
    "domain": {
        "in_features": {"lo": 1, "hi": 4096, "step": 1},
        "out_features": {"lo": 1, "hi": 4096, "step": 1},
    },
    "builds": 12,
    "verified": {"points": 8, "exact": True},
}


def test_a_formula_negative_on_its_domain_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"is negative at in_features=1, out_features=1"):
        Derived.from_data(NEGATIVE, "edited.toml")
    positive = Derived.from_data({**NEGATIVE, "formula": "out_features*(in_features + 1)"}, "ok")
    path = tmp_path / "edited.toml"
    positive.save(path)
    path.write_text(path.read_text().replace('+ 1)"', '+ 1) - 51200000000"', 1))
    with pytest.raises(SpecError, match="is negative"):
        load_derived(path)


def test_a_formula_negative_inside_only_is_refused() -> None:
    # Positive at both ends of n, negative in between: found by the points checked.
    data = {
        **NEGATIVE,
        "formula": "(n - 50)**2 - 4",
        "variables": ["n"],
        "domain": {"n": {"lo": 1, "hi": 99, "step": 1}},
    }
    with pytest.raises(SpecError, match="is negative at n="):
        Derived.from_data(data, "inline")


# -- the cache ----------------------------------------------------------------------------------
@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPLORER_CACHE_DIR", str(folder))
    monkeypatch.delenv("EXPLORER_CACHE", raising=False)
    return folder


@pytest.mark.torch
def test_an_edited_cache_entry_is_not_served(cache_dir: Path) -> None:
    _needs_torch()
    first = derive("torch.nn.Linear", "in_features=1:64,out_features=1:64")
    (entry,) = (cache_dir / "derive").glob("*.json")
    data = json.loads(entry.read_text())
    data["derived"]["formula"] = "out_features*(in_features + 2)"  # parses, and is wrong
    data["derived"]["expanded"] = "out_features*in_features + 2*out_features"
    entry.write_text(json.dumps(data))
    again = derive("torch.nn.Linear", "in_features=1:64,out_features=1:64")
    assert not again.cached
    assert again.formula_text == first.formula_text == "out_features*(in_features + 1)"


@pytest.mark.torch
def test_editing_a_module_the_target_imports_is_a_cache_miss(
    cache_dir: Path, tmp_path: Path
) -> None:
    _needs_torch()
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "widths.py").write_text("EXTRA = 1\n")
    (folder / "net.py").write_text(
        textwrap.dedent(
            """
            import torch
            from widths import EXTRA

            class Net(torch.nn.Module):
                def __init__(self, n):
                    super().__init__()
                    self.w = torch.nn.Parameter(torch.empty(n, n + EXTRA))
            """
        )
    )
    target = f"{folder / 'net.py'}:Net"
    sys.modules.pop("widths", None)
    try:
        assert derive(target, "n=1:64").formula_text == "n*(n + 1)"
        assert derive(target, "n=1:64").cached
        (folder / "widths.py").write_text("EXTRA = 2\n")
        sys.modules.pop("widths", None)
        for name in [m for m in sys.modules if m.startswith("_explorer_derive_")]:
            del sys.modules[name]  # a fresh process would import both again
        again = derive(target, "n=1:64")
    finally:
        sys.modules.pop("widths", None)
    assert not again.cached
    assert again.formula_text == "n*(n + 2)"


# -- bounds on the ranges ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "vary",
    ["in_features=1:1000000000000000000000", "in_features=1:" + "9" * 40],
    ids=["e21", "e40"],
)
def test_huge_ranges_are_refused_in_one_line(vary: str) -> None:
    with pytest.raises(InvalidSizeError, match=r"goes past 10\*\*18"):
        derive("torch.nn.Linear", vary, {"out_features": 3}, cache=False)


@pytest.mark.torch
def test_a_range_of_10_to_the_12_costs_no_memory_in_its_size() -> None:
    _needs_torch()
    derived = derive(
        "torch.nn.Linear", "in_features=1:1000000000000", {"out_features": 3}, cache=False
    )
    assert derived.count(in_features=10**12) == 3 * (10**12 + 1)


# -- small refusals and words -------------------------------------------------------------------
def test_save_to_an_empty_name_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, ["derive", "torch.nn.Linear", "--vary", "x", "--save", ""])
    assert (status, out) == (2, "")
    assert "--save needs a file name" in err


@pytest.mark.torch
def test_a_two_point_range_has_no_held_out_points(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_torch()
    argv = ["derive", "torch.nn.Linear", "--vary", "in_features=1:2", "--set", "out_features=3"]
    status, out, _ = run(capsys, [*argv, "--no-cache"])
    assert status == 0
    assert "held-out" not in out
    assert "none was left to hold out" in out


@pytest.mark.torch
def test_a_threshold_past_the_scan_is_found_where_it_is() -> None:
    _needs_torch()
    with pytest.raises(NoPolynomialError, match=r"only up to width=100\b"):
        derive(f"{MODULES}.Capped", "width=1:400", cache=False, seed=1)


def test_a_saved_formula_with_a_long_header_is_still_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.toml"
    Derived.from_data({**NEGATIVE, "formula": "out_features*(in_features + 1)"}, "x").save(path)
    text = path.read_text()
    path.write_text("# " + "a comment line of the user's\n# " * 300 + "\n" + text)
    assert len(path.read_text()) > 8192
    assert is_derived_file(path)
    argv = ["count", str(path), "--in-features", "3", "--out-features", "4", "--json"]
    try:
        status, out, err = run(capsys, argv)
        assert status == 0, err
        assert json.loads(out)["total"] == 16
    finally:
        explorer.FAMILIES.pop("derived:long", None)


# -- a saved formula as a part of a spec file ---------------------------------------------------
@pytest.mark.parametrize("family", ["enc.toml", "derived:enc"], ids=["file", "name"])
def test_a_spec_part_may_be_a_saved_formula(tmp_path: Path, family: str) -> None:
    Derived.from_data({**NEGATIVE, "formula": "out_features*(in_features + 1)"}, "x").save(
        tmp_path / "enc.toml"
    )
    spec = tmp_path / "model.toml"
    spec.write_text(
        textwrap.dedent(
            f"""
            [[parts]]
            name = "enc"
            family = "{family}"
            in_features = 8
            out_features = 4

            [[parts]]
            name = "rnn"
            family = "lstm"
            input = 4
            cells = 2
            """
        )
    )
    try:
        total = load_spec(str(spec)).count().total
    finally:
        explorer.FAMILIES.pop("derived:enc", None)
    lstm = explorer.count("lstm", input=4, cells=2).total
    assert total == 4 * 9 + lstm


def test_a_spec_part_naming_a_missing_formula_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text('[[parts]]\nfamily = "nothere.toml"\n')
    with pytest.raises(SpecError, match=r"no derived formula file 'nothere\.toml'"):
        load_spec(str(spec))


# -- a process that derives a target that exits: the process itself goes on ----------------------
@pytest.mark.torch
def test_the_installed_command_survives_an_exiting_target() -> None:
    _needs_torch()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EXPLORER_CACHE": "off"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "derive",
            f"{MODULES}.Exits",
            "--vary",
            "n=1:8",
            "--set",
            "code=0",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: ")
    assert "sys.exit(0)" in done.stderr
