"""The command line as a new user meets it: one-line errors that speak options, no
traceback for any input, names people type, the defaults stated, conventions compared."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

import explorer
from explorer.cli import MAX_ERROR, main
from tests.cli_helpers import run

COUNT = ["count", "lstm", "--input", "39", "--cells", "64"]


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run; the run must be refused with one line on stderr, nothing on stdout."""
    status, out, err = run(capsys, argv)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    return err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["count", "lstm", "--cells", "64"], "give --input N", id="required-size"),
        pytest.param([*COUNT, "--merge", "sum"], "add --bidirectional", id="flag-to-add"),
        pytest.param(
            [*COUNT, "--merge", "sum"], "--merge sum needs bidirectional", id="choice-given"
        ),
        pytest.param(
            ["solve", "--budget", "1M", "--input", "3", "--cells", "4"],
            "name it with --free NAME",
            id="free",
        ),
        pytest.param(
            ["count", "lstmp", "--input", "3", "--cells", "8"], "give --proj N", id="proj"
        ),
        pytest.param([*COUNT, "--tied"], "(--vocab N)", id="vocab"),
        pytest.param(
            ["count", "gru", *COUNT[2:], "--convention", "keras", "--bias", "single"],
            "add --no-reset-after for one vector, or give --bias double",
            id="negated-flag",
        ),
    ],
)
def test_errors_speak_options_not_python_keywords(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    err = _refused(capsys, argv)
    assert expected in err
    assert not re.search(r"\b(input|free|bidirectional|proj|vocab)=", err)


def test_the_library_keeps_python_keywords() -> None:
    with pytest.raises(explorer.ExplorerError, match=r"give input=N"):
        explorer.count("lstm", cells=64)


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["count", "lstm", ""], id="empty-argument"),
        pytest.param(["count", "lstm", "--input", "3", "--cells", "4", ""], id="empty-last"),
        pytest.param(["", "count"], id="empty-command"),
        pytest.param(["solve", "--budget", "1e1000000"], id="decimal-overflow"),
        pytest.param(["solve", "--budget", "1" * 5000], id="budget-digits"),
        pytest.param(["count", "lstm", "--input", "3", "--cells", "9" * 5000], id="size-digits"),
        pytest.param(["count", "lstm", "--input", "3", "--cells", str(10**19)], id="size-bound"),
        pytest.param(["solve", "--budget", str(10**31)], id="budget-bound"),
        pytest.param(["formula", "lstm", "--cells", "9" * 4299], id="formula-size-digits"),
    ],
)
def test_no_traceback_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    _refused(capsys, argv)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["solve", "--budget", "1e1000000"], "at most 10**30", id="budget"),
        pytest.param(
            ["count", "lstm", "--input", "3", "--cells", "9" * 5000],
            "must be at most 10**18",
            id="size",
        ),
    ],
)
def test_sizes_and_budgets_bounded_at_the_door(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert expected in _refused(capsys, argv)


def test_largest_sizes_still_print(capsys: pytest.CaptureFixture[str]) -> None:
    big = str(10**18)
    status, out, err = run(capsys, ["count", "lstm", "--input", big, "--cells", big, "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == explorer.count("lstm", input=10**18, cells=10**18).total


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["count", "x" * 100_000], id="family"),
        pytest.param([*COUNT, "--cells", "x" * 100_000], id="size"),
        pytest.param(["solve", "--budget", "x" * 100_000], id="budget"),
        pytest.param([*COUNT, "--bias", "x" * 100_000], id="flag-choice"),
        pytest.param([*COUNT, "--convention", "x" * 100_000], id="convention"),
        pytest.param([*COUNT, "--" + "x" * 100_000], id="option"),
        pytest.param(["count", "lstm", *(["y" * 1000] * 100)], id="many-arguments"),
        pytest.param(["reproduce", "x" * 100_000], id="paper"),
        pytest.param(["count", "--spec", "x" * 100_000], id="spec-path"),
        pytest.param(["explain", *COUNT[1:], "--formula", "x" * 100_000], id="formula"),
    ],
)
def test_echoed_values_are_cut(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    err = _refused(capsys, argv)
    assert len(err) <= MAX_ERROR + 20
    assert "x" * 250 not in err  # a file's path may show up to 200 characters


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["count", "lstm", "--input", "3", "--cells", "4"], id="count"),
        pytest.param(["solve", "--budget", "1M"], id="solve"),
        pytest.param(["reproduce"], id="reproduce"),
    ],
)
def test_keyboard_interrupt_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    from explorer.commands import load

    def interrupted(args: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(load(argv[0]), "run", interrupted)
    assert _refused(capsys, argv) == "error: interrupted\n"


def test_keyboard_interrupt_while_parsing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import explorer.cli

    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(explorer.cli, "_build_parser", interrupted)
    assert _refused(capsys, ["count", "lstm"]) == "error: interrupted\n"


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--version"], id="explorer"),
        pytest.param(["solve", "--version"], id="solve"),
    ],
)
def test_version(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit, match="0"):
        main(argv)
    assert capsys.readouterr().out == f"explorer {explorer.__version__}\n"


def test_solve_script_version(capsys: pytest.CaptureFixture[str]) -> None:
    from explorer.cli import solve_main

    with pytest.raises(SystemExit, match="0"):
        solve_main(["--version"])
    assert explorer.__version__ in capsys.readouterr().out


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        pytest.param("-L", "--layers", id="paper-symbol"),
        pytest.param("--depth", "--layers", id="word"),
        pytest.param("--nl", "--layers", id="abbreviation"),
        pytest.param("--nh", "--cells", id="hidden-symbol"),
        pytest.param("--hidden_size", "--cells", id="underscored-alias"),
        pytest.param("--cels", "--cells", id="spelling"),
        pytest.param("--vocabulary", "--vocab", id="spelling-longer"),
    ],
)
def test_unknown_options_suggest_by_meaning(
    capsys: pytest.CaptureFixture[str], typed: str, meant: str
) -> None:
    err = _refused(capsys, ["solve", "--budget", "6.5M", typed, "3"])
    assert f"did you mean {meant}?" in err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["LSTM", "--hidden", "1024"], id="upper-family-hidden"),
        pytest.param(["Lstm", "--hidden-size", "1024"], id="mixed-case-hidden-size"),
        pytest.param(["lstm", "--units", "1024"], id="keras-units"),
    ],
)
def test_names_people_type_are_accepted(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    rest = ["--input-size", "39", "--num-layers", "3", "--json"]
    status, out, err = run(capsys, ["count", *argv, *rest])
    assert status == 0, err
    assert json.loads(out)["total"] == 21_155_840


def test_pytorch_names_for_a_projection(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "LSTM", "--input-size", "39", "--hidden-size", "64", "--proj-size", "16"]
    status, out, err = run(capsys, [*argv, "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == explorer.count("lstm", input=39, cells=64, proj=16).total


def test_solve_help_states_the_defaults_it_assumes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="0"):
        main(["solve", "lstm", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "input size n_i (default 39)" in text
    assert "output layer size n_o (default 34, none with --vocab; 0: none)" in text
    assert "number of layers L (default 1)" in text
    assert "(default pytorch)" in text
    out = run(capsys, ["solve", "--budget", "6.5M", "--json"])[1]
    sizes = json.loads(out)["sizes"]
    assert (sizes["input"], sizes["output"], sizes["layers"]) == (39, 34, 1)


def test_count_help_says_omitted_parts_are_absent(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="0"):
        main(["count", "lstm", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "output layer size n_o (omitted or 0: none)" in text


def test_library_solution_assumes_nothing() -> None:
    s = explorer.solve("lstm", budget="6.5M", input=39, layers=3)
    assert s.assumptions == ()
    assert "output" not in s.sizes


def test_convention_all_is_one_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "lstm", "--input", "39", "--cells", "1024", "--layers", "3", "--output", "34"]
    status, out, err = run(capsys, [*argv, "--convention", "all"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "lstm (input=39, cells=1024, layers=3, output=34): 21,166,080 to 21,576,738 "
        "parameters across 5 conventions"
    )
    rows = {line.split()[0]: line.split()[1] for line in lines[3:]}
    design = {"input": 39, "cells": 1024, "layers": 3, "output": 34}
    assert rows == {
        name: f"{explorer.count('lstm', convention=name, **design).total:,}"
        for name in ("weights", "keras", "pytorch", "sak2014", "graves2013")
    }


def test_convention_all_json_says_which_refuse(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "lstm", "--input", "39", "--cells", "64", "--proj", "64"]
    status, out, err = run(capsys, [*argv, "--convention", "all", "--json"])
    assert status == 0, err
    data = json.loads(out)
    rows = {row["convention"]: row for row in data["conventions"]}
    assert set(rows) == {"weights", "keras", "pytorch", "sak2014", "graves2013"}
    assert "must be smaller than cells" in rows["pytorch"]["refused"]
    assert (
        rows["weights"]["total"]
        == explorer.count("lstm", convention="weights", input=39, cells=64, proj=64).total
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["count", "lstm", "--convention", "all"], "give --input N", id="every-refuses"
        ),
        pytest.param(
            ["count", "--spec", "model.toml", "--convention", "all"],
            "a spec sets its own",
            id="spec",
        ),
        pytest.param(
            [*COUNT, "--convention", "all", "--emit", "torch"], "pick one --convention", id="emit"
        ),
    ],
)
def test_convention_all_refusals(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert expected in _refused(capsys, argv)


def test_a_sum_as_a_dimension_is_parenthesised(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "lstmp", "--input", "39", "--cells", "64", "--proj", "16"]
    status, out, err = run(
        capsys, [*argv, "--nonrec-proj", "8", "--layers", "2", "--convention", "sak2014"]
    )
    assert status == 0, err
    row = next(line for line in out.splitlines() if line.strip().startswith("weight_ih_l1"))
    assert "4*n_c x (n_p + n_r)" in row


def test_short_reprs() -> None:
    c = explorer.count("lstm", input=39, cells=1024, layers=3)
    assert repr(c) == "Count(family='lstm', convention='pytorch', total=21155840)"
    assert (
        repr(explorer.formula("rnn"))
        == "Count(family='rnn', convention='pytorch', free=('n_i', 'n_c', 'L'))"
    )
    s = explorer.solve("lstm", budget="6.5M", input=39, layers=range(1, 4))
    assert len(repr(s)) < 200
    assert repr(s).endswith("alternatives=3)")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(
            ["count", "llama", "--kv-cache"], "give --seq T (and --batch B)", id="kv-cache"
        ),
        pytest.param(
            ["solve", "--arch", "llama", "--budget-bytes", "80GB", "--kv-cache"],
            "give --seq T (and --batch B)",
            id="byte-budget-kv-cache",
        ),
        pytest.param(["count", "llama", "--batch", "3"], "give --seq T too", id="batch"),
        pytest.param(
            ["solve", "--arch", "lstm", "--input", "3", "--budget", "1M", "--free", "input"],
            "--input is both given (3) and free (--free input)",
            id="given-and-free",
        ),
    ],
)
def test_measure_and_solver_errors_speak_options(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    err = _refused(capsys, argv)
    assert expected in err
    assert not re.search(r"\b[a-z_]+=[A-Z]\b", err), err
