"""A PostgreSQL server that drops the search's connections, for real (skipped without a
database): between trials the pool reconnects (``pool_pre_ping``) and the search goes on;
a server that will not take the connection back ends the search in one line, exit 2, every
finished trial kept, and the same command resumes it."""

from __future__ import annotations

import json
import os
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import run as _run
from tests.cli_helpers import run_json as _json

optuna = pytest.importorskip("optuna", reason="optuna is not installed")
POSTGRES_URL = os.environ.get("EXPLORER_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="set EXPLORER_TEST_POSTGRES_URL to a PostgreSQL database (.ci/run does): the "
    "dropped-connection tests are SKIPPED",
)

SEARCH = ["search", "--budget", "1M", "--arch", "lstm,gru", "--layers", "1..24"]
SEARCH += ["--sampler", "tpe", "--seed", "0", "--grace-period", "2"]
#: Objectives that drop every other connection to the database on their third call (the
#: search's own, idle in its pool while the objective runs), and, for ``drop_and_refuse``,
#: refuse new ones: a server going away for good.
OBJECTIVES = textwrap.dedent(
    """
    import os
    from pathlib import Path

    import psycopg

    URL = os.environ["EXPLORER_TEST_POSTGRES_URL"]
    TERMINATE = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def _third():
        calls = Path("calls.txt")
        count = len(calls.read_text().splitlines()) + 1 if calls.exists() else 1
        calls.write_text("x\\n" * count)
        return count == 3

    def drop(design):
        if _third():
            with psycopg.connect(URL, autocommit=True) as connection:
                dropped = connection.execute(TERMINATE).fetchall()
            Path("dropped.txt").write_text(str(len(dropped)))
        return float(design.depth)

    def drop_and_refuse(design):
        if _third():
            with psycopg.connect(URL, autocommit=True) as connection:
                name = connection.execute("SELECT current_database()").fetchone()[0]
            with psycopg.connect(URL, dbname="postgres", autocommit=True) as connection:
                connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
                connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s", (name,)
                )
        return float(design.depth)
    """
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "objs.py").write_text(OBJECTIVES)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    _allow_connections()


def _allow_connections() -> None:
    """Connections to the test database allowed again (from the maintenance database)."""
    psycopg = pytest.importorskip("psycopg")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    url = sqlalchemy.engine.make_url(POSTGRES_URL)
    maintenance = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS true')


def _states(name: str) -> list[str]:
    from searches.storage import opened, parse_storage

    with opened(parse_storage(POSTGRES_URL)) as storage:
        study = optuna.load_study(study_name=name, storage=storage)
        return [t.state.name for t in study.get_trials(deepcopy=False)]


def test_dropped_connections_are_reconnected_between_trials(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    assert POSTGRES_URL is not None
    name = f"drop-{uuid.uuid4().hex[:10]}"
    argv = [*SEARCH, "--storage", POSTGRES_URL, "--study-name", name, "--trials", "8"]
    data: dict[str, Any] = _json(capsys, [*argv, "--objective", "objs.py:drop"])
    assert int((folder / "dropped.txt").read_text()) >= 1, "the search's connections dropped"
    assert data["finished_trials"] == 8
    assert _states(name).count("COMPLETE") == 8


def test_a_server_that_goes_away_is_one_line_and_nothing_is_lost(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    assert POSTGRES_URL is not None
    name = f"gone-{uuid.uuid4().hex[:10]}"
    argv = [*SEARCH, "--storage", POSTGRES_URL, "--study-name", name, "--trials", "8"]
    status, out, err = _run(capsys, [*argv, "--objective", "objs.py:drop_and_refuse"])
    _allow_connections()
    assert (status, out) == (2, "")
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    shown = POSTGRES_URL.replace(":explorer@", ":***@")
    assert err.startswith(f"error: storage {shown} lost its connection ("), err
    assert err.endswith("every finished trial is kept: run the same command again to resume\n")
    assert "explorer@" not in err.replace(":***@", ""), "no password"
    assert _states(name)[:2] == ["COMPLETE", "COMPLETE"], "the trials before the drop are kept"
    resumed = _json(capsys, [*argv, "--objective", "objs.py:drop_and_refuse"])  # no 3rd call
    assert resumed["finished_trials"] == 8
    states = _states(name)
    assert states.count("COMPLETE") == 8
    assert "RUNNING" not in states
    assert json.dumps(resumed).count("Traceback") == 0
