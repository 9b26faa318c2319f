"""A seeded, bounded fuzzer over ``explorer search`` and ``explorer sweep``: storage URLs,
output paths, worker counts, objective specs and the values they return (NaN, infinite,
10**400), trial counts, seeds (at and above 2**32), huge numbers, samplers, grace periods
and signals, mixed at random.

Whatever the mix, a run succeeds, or it prints one ``error: ...`` line and exits 2: never
a traceback, never a password, never a partial output or a temporary file, never a hang.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli_helpers import run as _run
from tests.process_helpers import default_sigint, holds_open, reaped, wait_for

pytest.importorskip("optuna", reason="optuna is not installed")

SEED = 20_240_501
CASES = 64
SIGNAL_CASES = 3
#: Longest a signalled process may take to end.
SETTLE_S = 10

OBJECTIVES = textwrap.dedent(
    """
    import sys
    import time

    def good(design):
        return design.width / design.depth

    def slow(design):
        time.sleep(0.02)
        return float(design.depth)

    def leave(design):
        sys.exit(0)

    def boom(design):
        raise RuntimeError("no")

    def words(design):
        return "wide"

    def nan(design):
        return float("nan")

    def inf(design):
        return -float("inf") if design.depth % 2 else float("inf")

    def huge(design):
        return 10**400
    """
)
DELIMITERS = "@:/?#&;=%+"
HUGE = "9" * 40
SEEDS = ("1", "1", "1", "0", str(2**32 - 1), str(2**32), str(2**64), HUGE, "-1", "x")
SAMPLERS = ("auto", "tpe", "random", "grid", "", "TPE", "cmaes")
GRACE_PERIODS = ("2", "20", "1", "0", "-5", "x", "2.5", "604800", "604801", HUGE)
TEMPORARY = (".tmp", ".rename", ".stale")


def _password(rng: random.Random) -> tuple[str, list[str]]:
    """A password of random pieces joined by URL delimiters, and its pieces."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
    pieces = ["".join(rng.choices(alphabet, k=rng.randint(4, 7))) for _ in range(rng.randint(1, 3))]
    text = pieces[0]
    for piece in pieces[1:]:
        text += rng.choice(DELIMITERS) + piece
    return text, pieces


def _storage(rng: random.Random, folder: Path) -> tuple[str | None, list[str]]:
    password, pieces = _password(rng)
    (folder / "app.log").write_text("12:00 server started\n12:01 request\n")
    (folder / "dir.log").mkdir()
    (folder / "corrupt.log").write_text('{"op_code": 0, "worker_id": "w"}\nnot json\n{}\n')
    choices: list[tuple[str | None, list[str]]] = [
        (None, []),
        ("s.log", []),
        ("app.log", []),
        ("dir.log", []),
        ("corrupt.log", []),
        ("nofolder/s.log", []),
        ("sqlite:///s.db", []),
        ("sqlite://s.db", []),
        ("sqlite:///nofolder/s.db", []),
        ("postgres://u@h/db", []),
        ("mongodb://h/db", []),
        ("search.db", []),
        ("  ", []),
        (f"postgresql://user:{password}@127.0.0.1:1/db", pieces),
        (f"postgresql+psycopg://user:{password}@127.0.0.1:1/db?sslmode=disable", pieces),
        (f"postgresql://user@127.0.0.1:1/db?password={password}", pieces),
        (f"mysql://user:{password}@127.0.0.1:1/db", pieces),
        (f"postgresql://user:{password}@127.0.0.1:x/db", pieces),
    ]
    return rng.choice(choices)


def _unwritable(folder: Path) -> str:
    if os.geteuid() == 0:
        return "/sys"
    readonly = folder / "readonly"
    readonly.mkdir(exist_ok=True)
    readonly.chmod(0o555)
    return str(readonly)


def _output(rng: random.Random, folder: Path, suffix: str) -> str:
    (folder / f"taken{suffix}").mkdir(exist_ok=True)
    return rng.choice(
        [
            f"out{suffix}",
            f"other{suffix}",
            f"out{'.txt' if suffix != '.png' else '.svg'}",
            f"nofolder/out{suffix}",
            f"taken{suffix}",
            f"{_unwritable(folder)}/out{suffix}",
            f"objs.py/out{suffix}",
        ]
    )


def _workers(rng: random.Random) -> str:
    return rng.choices(
        ["1", "2", "0", "-3", "100000000000", "x", "1.5"], weights=[8, 1, 1, 1, 1, 1, 1]
    )[0]


def _case(rng: random.Random, folder: Path) -> tuple[list[str], list[str], list[Path]]:
    """argv, secrets that must not be printed, output files the run may write."""
    storage, secrets = _storage(rng, folder)
    argv: list[str]
    outputs: list[Path] = []
    if rng.random() < 0.5:
        objective = rng.choice(
            [
                "macs",
                "depth",
                "macs,depth",
                "objs.py:good",
                "objs.py:leave",
                "objs.py:boom",
                "objs.py:words",
                "nosuch_module_xyz:f",
                "a:b:c",
                "",
                "objs.py:",
                "../objs.py:good",
                "objs.py:good,objs.py:good",
            ]
        )
        if rng.random() < 0.4:  # objectives whose values are no number a study keeps
            objective = rng.choice(
                ["objs.py:nan", "objs.py:inf", "objs.py:huge", "objs.py:nan,macs"]
            )
        trials = rng.choice(["1", "2", "3", "0", "-1", "x", HUGE])
        budget = rng.choice(["1M", "6.5M", "300", "x", "1e400", HUGE])
        argv = ["search", "--budget", budget, "--trials", trials]
        argv += ["--arch", rng.choice(["lstm", "lstm,gru", "lstmp", "gur"]), "--layers", "1..3"]
        argv += ["--objective", objective]
        if rng.random() < 0.5:
            argv += ["--sampler", rng.choice(SAMPLERS)]
        if rng.random() < 0.3:
            plot = _output(rng, folder, ".png")
            argv += ["--plot", plot]
            outputs.append(folder / plot)
    else:
        argv = ["sweep", "--budget", rng.choice(["1M", "1M,6.5M", "300,1M", "1M..2M/500k"])]
        argv += ["--arch", rng.choice(["lstm", "gru,rnn", "lstmp"]), "--layers", "1..3"]
        for _ in range(rng.randint(0, 2)):
            save = _output(rng, folder, rng.choice([".csv", ".json", ".jsonl"]))
            argv += ["--save", save]
            outputs.append(folder / save)
        if rng.random() < 0.3:
            plot = _output(rng, folder, ".png")
            argv += ["--plot", plot]
            outputs.append(folder / plot)
    if storage is not None:
        argv += ["--storage", storage]
        if rng.random() < 0.5:
            argv += ["--grace-period", rng.choice(GRACE_PERIODS)]
    argv += ["--workers", _workers(rng), "--seed", rng.choice(SEEDS)]
    if rng.random() < 0.3:
        argv.append("--json")
    return argv, secrets, outputs


def _temporaries(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.endswith(TEMPORARY)]


@pytest.mark.parametrize("index", range(CASES))
def test_fuzzed_runs_succeed_or_say_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    index: int,
) -> None:
    rng = random.Random(SEED + index)
    (tmp_path / "objs.py").write_text(OBJECTIVES)
    monkeypatch.chdir(tmp_path)
    argv, secrets, outputs = _case(rng, tmp_path)
    existed = {path: path.exists() for path in outputs}
    status, out, err = _run(capsys, argv)
    shown = f"explorer {' '.join(argv)}\nstatus {status}\n{err}"
    assert status in (0, 2), shown
    assert "Traceback" not in out + err, shown
    if status == 2:
        assert out == "", shown
        assert err.startswith("error: "), shown
        assert err.count("\n") == 1, shown
        for path, before in existed.items():
            assert path.exists() == before, f"{path} appeared: {shown}"
    for secret in secrets:
        assert secret not in out + err, shown
    assert _temporaries(tmp_path) == [], shown


SEARCH_SLOWLY = ["search", "--budget", "1M", "--layers", "1..4", "--objective", "objs.py:slow"]
SIGNAL_ARGV = [
    [*SEARCH_SLOWLY, "--storage", "s.log", "--trials", "100000"],
    [*SEARCH_SLOWLY, "--storage", "s.log", "--trials", "100000", "--workers", "2"],
    [
        "sweep",
        "--budget",
        "1M..20M/10k",
        "--layers",
        "1..4",
        "--storage",
        "s.log",
        "--save",
        "r.csv",
    ],
    ["sweep", "--budget", "1M..900M/1k", "--layers", "1..8", "--save", "r.csv"],
]


def _running(process: subprocess.Popen[str], folder: Path) -> bool:
    """Whether the command has started its work: trials in its journal, or rows streaming."""
    journal = folder / "s.log"
    if process.poll() is not None:
        return True
    if "--storage" in process.args:  # type: ignore[operator]
        return journal.exists() and journal.stat().st_size > 5_000
    return holds_open(process.pid, folder)


@pytest.mark.parametrize("index", range(SIGNAL_CASES))
def test_fuzzed_signals_end_cleanly(tmp_path: Path, index: int) -> None:
    """A signal at a random moment once the command runs (the CLI's own start, its imports
    and argument parsing, is not the searches' to handle)."""
    rng = random.Random(SEED * 7 + index)
    (tmp_path / "objs.py").write_text(OBJECTIVES)
    argv = rng.choice(SIGNAL_ARGV)
    sig = rng.choice([signal.SIGINT, signal.SIGTERM])
    with default_sigint():
        process = subprocess.Popen(
            [sys.executable, "-m", "explorer", *argv, "--no-progress"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    with reaped([process.pid]):
        wait_for(lambda: _running(process, tmp_path), "the command to run")
        time.sleep(rng.uniform(0.0, 2.0))
        process.send_signal(sig)
        _, err = process.communicate(timeout=SETTLE_S)
    shown = f"explorer {' '.join(argv)}\nsignal {sig!r}, status {process.returncode}\n{err}"
    assert process.returncode in (0, 2, -signal.SIGTERM), shown
    assert "Traceback" not in err, shown
    assert err.count("\n") <= 1, shown
    if process.returncode != 0:
        assert not (tmp_path / "r.csv").exists(), shown
    assert _temporaries(tmp_path) == [], shown


def test_the_fuzzer_covers_what_it_claims(tmp_path: Path) -> None:
    """The seeded cases reach every kind of input more than once."""
    seen = {"search": 0, "sweep": 0, "--storage": 0, "--save": 0, "--plot": 0, "workers": 0}
    seen |= {"--sampler": 0, "--grace-period": 0, "seed >= 2**32": 0, "huge": 0}
    seen |= {"objs.py:nan": 0, "objs.py:inf": 0, "objs.py:huge": 0}
    secrets = 0
    for index in range(CASES):
        folder = tmp_path / str(index)
        folder.mkdir()
        argv, hidden, _ = _case(random.Random(SEED + index), folder)
        for key in seen:
            seen[key] += any(a == key or a.startswith(f"{key},") for a in argv)
        seen["workers"] += argv[argv.index("--workers") + 1] != "1"
        seed = argv[argv.index("--seed") + 1]
        seen["seed >= 2**32"] += seed.isdigit() and int(seed) >= 2**32
        seen["huge"] += HUGE in argv or "1e400" in argv
        secrets += bool(hidden)
    values = {k: seen.pop(k) for k in ("objs.py:nan", "objs.py:inf", "objs.py:huge")}
    assert min(seen.values()) >= 2, seen
    assert min(values.values()) >= 1, values  # and each in every sampler: the test below
    assert secrets >= 2


@pytest.mark.parametrize("sampler", ["auto", "tpe", "random", "grid"])
@pytest.mark.parametrize("objective", ["nan", "inf", "huge"])
def test_values_a_study_cannot_keep_fail_their_trials_with_the_reason(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    objective: str,
    sampler: str,
) -> None:
    """NaN, an infinity or 10**400 (no float) from a user objective: every trial fails
    with its reason, the run ends (exit 0, the space exhausted), no traceback."""
    (tmp_path / "objs.py").write_text(OBJECTIVES)
    monkeypatch.chdir(tmp_path)
    argv = ["search", "--budget", "1M", "--layers", "1..3", "--objective", f"objs.py:{objective}"]
    argv += ["--sampler", sampler, "--trials", HUGE, "--seed", str(2**32 - 1), "--json"]
    argv += ["--storage", "s.log", "--grace-period", "604800"]
    status, out, err = _run(capsys, argv)
    assert status == 0, err
    assert "Traceback" not in out + err
    import json

    data = json.loads(out)
    assert data["finished_trials"] == 0
    assert len(data["failed"]) == 3, "each of the 3 designs once, not retried"
    assert all(f["reason"] for f in data["failed"])
