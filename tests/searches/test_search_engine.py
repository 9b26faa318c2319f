"""The search engine and its plug-ins: a kind is an object the engine is given, and a new
kind is one small class; the engine names none."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

import explorer

optuna = pytest.importorskip("optuna", reason="optuna is not installed")

from searches import make_space, search, sweep_study  # noqa: E402
from searches._engine import default_study_name, run_study  # noqa: E402
from searches._kind import Objectives, SearchKind  # noqa: E402
from searches._trial import record  # noqa: E402
from searches.design import Design  # noqa: E402
from searches.objectives import ObjectivePlan  # noqa: E402

SEARCHES = Path(__file__).parents[2] / "searches"


@dataclass(frozen=True)
class EveryDepth(SearchKind):
    """A kind of our own: each depth of a GRU once, in order, solved at the budget."""

    name: ClassVar[str] = "every-depth"
    budget: int
    depths: int

    def fingerprint(self) -> dict[str, Any]:
        return {"budget": self.budget, "depths": self.depths}

    def sampler(self, seed: int | None, name: str = "tpe") -> Any:
        return optuna.samplers.GridSampler({"layers": list(range(1, self.depths + 1))}, seed=0)

    def objective(self, plan: ObjectivePlan) -> Callable[[Any, Any], list[float]]:
        def objective(trial: Any, before: Callable[[Any], None]) -> list[float]:
            layers = trial.suggest_int("layers", 1, self.depths)
            before(trial)
            solution = explorer.solve("gru", budget=self.budget, layers=layers, input=39, output=34)
            return record(trial, Design.from_solution(solution), plan)

        return objective

    def notes(self) -> tuple[str, ...]:
        return ("gru only",)


@pytest.mark.parametrize("workers", [pytest.param(1, id="one"), pytest.param(2, id="workers")])
def test_a_new_kind_plugs_into_the_engine(workers: int, tmp_path: Path) -> None:
    result = run_study(
        EveryDepth(1_000_000, 4),
        objectives=Objectives.make("depth"),
        trials=4,
        storage=str(tmp_path / "kind.log") if workers > 1 else None,
        workers=workers,
    )
    assert result.kind == "every-depth"
    assert result.study_name.startswith("every-depth-")
    assert sorted(t.design.depth for t in result.trials if t.design) == [1, 2, 3, 4]
    assert result.best[0].values == (4.0,)
    assert result.assumptions == ("gru only",)


def test_a_resumed_kind_with_other_settings_is_refused(tmp_path: Path) -> None:
    storage = str(tmp_path / "kind.log")
    common: dict[str, Any] = {
        "objectives": Objectives.make("depth"),
        "trials": 2,
        "storage": storage,
        "study_name": "same",
    }
    run_study(EveryDepth(1_000_000, 4), **common)
    with pytest.raises(ValueError, match=r"holds a different search \(budget and depths differ\)"):
        run_study(EveryDepth(2_000_000, 5), **common)


def test_the_engine_imports_no_kind() -> None:
    """The engine, the workers and the Optuna helpers know kinds only as SearchKind."""
    kinds = {"searches.budget_search", "searches.baseline_search", "searches.grid_study"}
    for module in ("_engine", "workers", "_optimize", "_kind", "_optuna", "_signals"):
        tree = ast.parse((SEARCHES / f"{module}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & kinds, module


def test_the_optuna_helpers_are_a_leaf() -> None:
    tree = ast.parse((SEARCHES / "_optuna.py").read_text())
    ours = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("searches")
    }
    assert ours == {"searches._optional"}


@pytest.mark.parametrize(
    ("run", "name"),
    [
        pytest.param(
            lambda: search(make_space(families=("lstm",), layers=(1, 2)), budget="1M", trials=1),
            "constrained-94e005ec0c76",
            id="constrained",
        ),
        pytest.param(
            lambda: sweep_study(make_space(families=("gru",), layers=(1, 2)), budgets=("1M",))[1],
            "grid-bda2d9badd3e",
            id="grid",
        ),
    ],
)
def test_default_study_names_are_stable(run: Any, name: str) -> None:
    """The same search resumes under the same default name (a digest of the space read
    from the families' declarations; spaces stored before it was generic differ)."""
    assert run().study_name == name


def test_default_study_name_is_a_digest_of_the_fingerprint() -> None:
    first = default_study_name({"kind": "k", "a": 1, "b": 2})
    assert first == default_study_name({"b": 2, "a": 1, "kind": "k"})
    assert first != default_study_name({"kind": "k", "a": 1, "b": 3})
    assert first.startswith("k-")
