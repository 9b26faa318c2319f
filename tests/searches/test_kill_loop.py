"""The kill loop of benchmarks/kill_loop.py, short: ``kill -9`` at random moments loses no
complete trial, leaves no trial RUNNING one grace period later, and the study resumes to
exactly its target. On a journal file always; on PostgreSQL (with a second process in
another UTS namespace when run as root) when a database is given."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("optuna", reason="optuna is not installed")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "kill_loop.py"
POSTGRES_URL = os.environ.get("EXPLORER_TEST_POSTGRES_URL")


def _loop(storage: str, kills: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--kills", str(kills), "--storage", storage, "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    (outcome,) = json.loads(done.stdout)
    assert done.returncode == 0, (outcome, done.stderr[-2000:])
    data: dict[str, Any] = outcome
    return data


def _check(outcome: dict[str, Any], kills: int) -> None:
    assert outcome["kills"] == kills
    assert outcome["complete_seen"] > 0, "the searches ran between the kills"
    assert outcome["lost"] == []
    assert outcome["running_after_grace"] == 0
    assert outcome["resumed_finished"] == outcome["resumed_to"]
    assert outcome["running_after_resume"] == 0
    assert outcome["ok"] is True


def test_kill_9_on_a_journal_file_loses_nothing() -> None:
    _check(_loop("journal", 3), 3)


@pytest.mark.skipif(
    not POSTGRES_URL,
    reason="set EXPLORER_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does)",
)
def test_kill_9_on_postgresql_with_a_worker_on_another_host_loses_nothing() -> None:
    outcome = _loop("postgresql", 2)
    _check(outcome, 4)
    if os.geteuid() == 0 and shutil.which("unshare"):
        assert outcome["other_host_kills"] == 2
