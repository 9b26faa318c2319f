"""Kill loop: ``kill -9`` a stored search at random moments, then check what is left.

For each storage (a journal file; PostgreSQL when ``EXPLORER_TEST_POSTGRES_URL`` or
``--postgres-url`` names a database), ``--kills`` rounds: start ``explorer search`` on one
study (on PostgreSQL two processes, the second in another UTS namespace, its own host
name, when this runs as root with ``unshare``: a worker on "another machine"), wait a
random time (0.5 to 8 s: start-up, sampling, the objective and the commit are all hit),
``kill -9`` each process at its own random moment. After every kill the study is read
again. At the end, one grace period after the last kill, it checks:

- no complete trial is lost: every trial seen complete after any kill is still complete,
  with the same parameters and values;
- after the grace period no trial is RUNNING: Optuna's ``fail_stale_trials`` (what any
  process on the study runs first) fails each dead trial;
- the study resumes: a last run asked for 5 more designs ends with exactly that many.

Run it from the project root with the project's interpreter::

    python benchmarks/kill_loop.py                       # 20 kills per storage
    python benchmarks/kill_loop.py --kills 3 --json      # a short run, one JSON object
    python benchmarks/kill_loop.py --storage journal     # the journal file only

The exit status is 0 when every check held, 1 when one failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEARCH = [
    *("search", "--budget", "6.5e6", "--arch", "lstm,lstmp,gru", "--layers", "1..400"),
    *("--bidirectional", "both"),
    *("--sampler", "tpe", "--objective", "objective.py:slow", "--no-progress"),
]
#: The objective: the aspect ratio's distance, after a random pause (a trial's objective
#: is where a real search spends its time; kills land there too).
OBJECTIVE = """\
import math
import random
import time


def slow(design):
    time.sleep(random.uniform(0.0, 0.05))
    return abs(math.log(design.width / design.depth / 64))
"""
KILL_AFTER_S = (0.5, 8.0)
MORE = 5  # designs the last run asks for beyond what the study settled


@dataclass
class Outcome:
    """What one storage's kill loop found."""

    storage: str
    kills: int = 0
    other_host_kills: int = 0
    complete_seen: int = 0
    lost: list[int] = field(default_factory=list)
    running_after_grace: int = 0
    failed_dead: int = 0
    settled_before_resume: int = 0
    resumed_to: int = 0
    resumed_finished: int = 0
    running_after_resume: int = 0
    resume_s: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every check held."""
        return (
            not self.lost
            and self.running_after_grace == 0
            and self.running_after_resume == 0
            and self.resumed_finished == self.resumed_to
        )


def _study(location: str, name: str, grace: int) -> Any:
    """The study read through explorer's own storage (heartbeats on)."""
    import optuna

    from searches.storage import parse_storage

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    storage = parse_storage(location).with_grace(grace).open()
    return optuna.load_study(study_name=name, storage=storage), storage


def _close(storage: Any) -> None:
    engine = getattr(storage, "engine", None)
    if engine is not None:
        storage.remove_session()
        engine.dispose()


def _snapshot(location: str, name: str, grace: int) -> dict[int, str] | None:
    """Every complete trial, number -> its parameters and values (``None`` before the
    study exists)."""
    import optuna

    try:
        study, storage = _study(location, name, grace)
    except KeyError:  # not created yet: the first process was killed before that
        return None
    try:
        complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        return {t.number: json.dumps([t.params, t.values], sort_keys=True) for t in complete}
    finally:
        _close(storage)


def _states(location: str, name: str, grace: int, *, fail_stale: bool) -> dict[str, int]:
    """Trials by state, after failing the stale ones when asked."""
    import optuna

    study, storage = _study(location, name, grace)
    try:
        if fail_stale:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                optuna.storages.fail_stale_trials(study)
        counts: dict[str, int] = {}
        for trial in study.get_trials(deepcopy=False):
            counts[trial.state.name] = counts.get(trial.state.name, 0) + 1
        return counts
    finally:
        _close(storage)


def _settled(location: str, name: str, grace: int) -> int:
    """The distinct designs the study holds (what its trial target counts)."""
    import optuna

    study, storage = _study(location, name, grace)
    try:
        states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        keep = [
            t
            for t in study.get_trials(deepcopy=False, states=states)
            if "repeat_of" not in t.user_attrs and "surplus" not in t.user_attrs
        ]
        return len({json.dumps(t.params, sort_keys=True) for t in keep})
    finally:
        _close(storage)


def _command(location: str, name: str, grace: int, seed: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "explorer",
        *SEARCH,
        *("--storage", location, "--study-name", name, "--grace-period", str(grace)),
        *("--seed", str(seed), "--trials", "100000"),
    ]


def _other_host() -> bool:
    """Whether a process can be started in another UTS namespace (root, ``unshare``)."""
    return os.geteuid() == 0 and shutil.which("unshare") is not None


def _start(command: list[str], folder: Path, *, other_host: bool) -> subprocess.Popen[bytes]:
    if other_host:
        script = "hostname explorer-other-host && exec " + " ".join(f"'{part}'" for part in command)
        command = ["unshare", "--uts", "--fork", "bash", "-c", script]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 reaches unshare's child
    )


def _round(  # noqa: PLR0917 - one round's settings
    location: str,
    name: str,
    grace: int,
    folder: Path,
    seed: int,
    picks: random.Random,
    *,
    processes: int,
) -> tuple[int, int]:
    """One round: start the processes, kill -9 each at its own random moment."""
    other = processes > 1 and _other_host()
    team = [
        _start(_command(location, name, grace, seed * 10 + k), folder, other_host=other and k == 1)
        for k in range(processes)
    ]
    moments = sorted((picks.uniform(*KILL_AFTER_S), k) for k in range(processes))
    started = time.monotonic()
    for moment, k in moments:
        time.sleep(max(0.0, moment - (time.monotonic() - started)))
        os.killpg(team[k].pid, signal.SIGKILL)
        team[k].wait()
    return processes, int(other)


def kill_loop(kind: str, location: str, *, kills: int, grace: int, seed: int) -> Outcome:
    """Run the loop on one storage and check it."""
    started = time.perf_counter()
    outcome = Outcome(kind)
    picks = random.Random(seed)
    name = f"kill-loop-{uuid.uuid4().hex[:12]}"
    processes = 2 if kind == "postgresql" else 1

    def say(text: str) -> None:
        print(f"kill_loop {kind}: {text}", file=sys.stderr, flush=True)

    seen: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="kill-loop-") as scratch:
        folder = Path(scratch)
        (folder / "objective.py").write_text(OBJECTIVE)
        if kind == "journal":
            location = str(folder / "study.log")
        for round_ in range(kills):
            killed, other = _round(
                location, name, grace, folder, seed + round_, picks, processes=processes
            )
            outcome.kills += killed
            outcome.other_host_kills += other
            now = _snapshot(location, name, grace) or {}
            outcome.lost += [n for n, trial in seen.items() if now.get(n) != trial]
            seen.update(now)
            say(f"round {round_ + 1}/{kills}, {len(now)} complete")
        outcome.complete_seen = len(seen)
        time.sleep(grace + 1.5)  # past the grace period of the last dead trial
        before = _states(location, name, grace, fail_stale=False)
        after = _states(location, name, grace, fail_stale=True)
        outcome.running_after_grace = after.get("RUNNING", 0)
        outcome.failed_dead = after.get("FAIL", 0) - before.get("FAIL", 0)
        outcome.settled_before_resume = _settled(location, name, grace)
        outcome.resumed_to = outcome.settled_before_resume + MORE
        command = [*_command(location, name, grace, seed)[:-1], str(outcome.resumed_to)]
        resume_started = time.perf_counter()
        done = subprocess.run(
            [*command, "--json"],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        outcome.resume_s = time.perf_counter() - resume_started
        if done.returncode == 0:
            outcome.resumed_finished = int(json.loads(done.stdout)["finished_trials"])
        else:
            say(f"the resumed run failed: {done.stderr.strip()}")
        final = _snapshot(location, name, grace) or {}
        outcome.lost += [n for n, trial in seen.items() if final.get(n) != trial]
        outcome.lost = sorted(set(outcome.lost))
        outcome.running_after_resume = _states(location, name, grace, fail_stale=False).get(
            "RUNNING", 0
        )
    outcome.seconds = time.perf_counter() - started
    return outcome


def render(outcomes: list[Outcome], grace: int) -> str:
    """The table of what each storage's loop found."""
    lines = [
        f"kill loop: kill -9 at random moments ({KILL_AFTER_S[0]}-{KILL_AFTER_S[1]} s "
        f"after each start), grace period {grace} s"
    ]
    for o in outcomes:
        other = f" ({o.other_host_kills} in another UTS namespace)" if o.other_host_kills else ""
        lines += [
            "",
            f"{o.storage}: {o.kills} kills{other}, {o.seconds:.0f} s",
            f"   complete trials seen after the kills: {o.complete_seen}; lost: {len(o.lost)}",
            f"   RUNNING one grace period after the last kill: {o.running_after_grace} "
            f"({o.failed_dead} dead trials failed then)",
            f"   resumed to {o.resumed_to} designs (held {o.settled_before_resume}): finished "
            f"{o.resumed_finished} in {o.resume_s:.1f} s; RUNNING after it: "
            f"{o.running_after_resume}",
            f"   {'ok' if o.ok else 'FAILED'}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="rounds per storage (default 20)")
    parser.add_argument(
        "--storage",
        choices=("journal", "postgresql", "all"),
        default="all",
        help="which storages (default all: PostgreSQL when a URL is given)",
    )
    parser.add_argument("--postgres-url", default=os.environ.get("EXPLORER_TEST_POSTGRES_URL"))
    parser.add_argument("--grace", type=int, default=2, help="--grace-period (default 2 s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.kills < 1 or args.grace < 2:
        parser.error("--kills must be at least 1 and --grace at least 2")
    targets: list[tuple[str, str]] = []
    if args.storage in ("journal", "all"):
        targets.append(("journal", ""))
    if args.storage in ("postgresql", "all"):
        if args.postgres_url:
            targets.append(("postgresql", args.postgres_url))
        elif args.storage == "postgresql":
            parser.error("give --postgres-url or set EXPLORER_TEST_POSTGRES_URL")
    outcomes = [
        kill_loop(kind, location, kills=args.kills, grace=args.grace, seed=args.seed)
        for kind, location in targets
    ]
    if args.json:
        print(json.dumps([{**asdict(o), "ok": o.ok} for o in outcomes], indent=2))
    else:
        print(render(outcomes, args.grace))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
