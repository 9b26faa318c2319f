"""Every model type of the zoo against what transformers built (recorded in
``tests/hf/zoo/data``; :mod:`tests.hf.zoo`): every recorded case whole (totals, every name
and shape, published totals and active counts, FLOPs as ``FlopCounterMode`` counts them, the
KV cache); live where torch and transformers are installed, fresh random configurations of
each type (a seeded sample) and a solved ``--save-config`` that transformers loads back and
builds to the count the command printed.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.hf import count_hf
from explorer.transformer import TransformerStructure, layer_indices
from tests.cli_helpers import run
from tests.fixtures.make_hf_counts import stack_pattern
from tests.hf.zoo import (
    ACTIVE_CONVENTIONS,
    active_under,
    definition,
    printed_matches,
    recorded,
    recorded_types,
)

TYPES = recorded_types()
_ALL = [(model_type, case) for model_type in TYPES for case in recorded(model_type)["cases"]]


def _params(keep: Any) -> list[Any]:
    return [
        pytest.param(model_type, case, id=f"{model_type}-{case['name']}")
        for model_type, case in _ALL
        if keep(case)
    ]


PARAMETERS = _params(lambda case: "flops" not in case)
COMPUTE = _params(lambda case: "flops" in case)
PUBLISHED = _params(lambda case: "flops" not in case and case.get("published"))
ACTIVE = _params(lambda case: "flops" not in case and case.get("active"))


def sublayer_indices(count: explorer.Count) -> dict[str, list[int]]:
    """Which layers a sublayer of some layers sits in (a term's role names the keyword of
    how many): experts after the first dense layers, or in every sparse step-th layer not
    listed dense-only; the dense MLP in the others. Empty where the count knows how many
    layers, not which (a hybrid's attention layers, a composite's parts)."""
    s = count.structure
    patterns = ("first_dense", "sparse_step", "mlp_only")
    if not isinstance(s, TransformerStructure) or not any(s.option(p) for p in patterns):
        return {}
    layers = int(count.sizes["layers"])
    first = int(s.option("first_dense") or 0)
    step = int(s.option("sparse_step") or 1)
    only = layer_indices(s.option("mlp_only") or "")
    moe = [i for i in range(layers) if i >= first and (i + 1) % step == 0 and i not in only]
    return {"moe_layers": moe, "dense_layers": [i for i in range(layers) if i not in moe]}


def expanded(count: explorer.Count) -> dict[str, tuple[int, ...]]:
    """Every parameter of a count by name: a term of identical layers once per layer it
    sits in (a module repeated inside each layer, ``layers.*.q_layernorm.norms.*``, once
    per copy). A term of some layers whose layers the count does not place (see
    :func:`placed`) is named as if in the first ones."""
    shapes, values = count.shapes, count.breakdown
    where_some = sublayer_indices(count)
    names: dict[str, tuple[int, ...]] = {}
    for term in count.compiled.terms:
        shape = shapes[term.name]
        copies = values[term.name] // max(1, math.prod(shape))
        if term.name.count("*") == 2:
            layers = count.sizes["layers"]
            for layer in range(layers):
                for index in range(copies // layers):
                    inner = term.name.replace("*", str(layer), 1).replace("*", str(index), 1)
                    names[inner] = shape
        elif "*" in term.name:
            where = where_some.get(term.role.extra("layers") or "", range(copies))
            if len(where) != copies:
                where = range(copies)
            for layer in where:
                names[term.name.replace("*", str(layer), 1)] = shape
        else:
            assert copies == 1, term.name
            names[term.name] = shape
    return names


def placed(count: explorer.Count) -> bool:
    """Whether every term of some layers has its layers placed by :func:`sublayer_indices`
    (else the count knows how many layers, not which)."""
    where_some, values, shapes = sublayer_indices(count), count.breakdown, count.shapes
    for term in count.compiled.terms:
        some = term.role.extra("layers")
        if not some or not math.prod(shapes[term.name]):
            continue
        copies = values[term.name] // math.prod(shapes[term.name])
        if some not in where_some or len(where_some[some]) != copies:
            return False
    return True


def check(case: dict[str, Any], count: explorer.Count) -> None:
    """The count's total, and every name and shape (or every kind), as built. A count whose
    terms stand for some of a stack's layers (a hybrid's attention layers among its
    convolution layers) knows how many, not which: its kinds are compared."""
    assert count.total == case["total"], case["name"]
    # a tied tensor goes by the name transformers lists first (XLM-RoBERTa's LM head is
    # built before its embeddings): any of its names is its name
    canonical = dict(case.get("aliases", ()))
    names = {canonical.get(name, name): shape for name, shape in expanded(count).items()}
    if "parameters" in case and placed(count):
        assert names == {n: tuple(s) for n, s in case["parameters"]}, case["name"]
        return
    kinds = Counter((stack_pattern(name), shape) for name, shape in names.items())
    if "parameters" in case:
        built = Counter((stack_pattern(n), tuple(s)) for n, s in case["parameters"])
    else:
        built = Counter({(p, tuple(s)): n for p, s, n in case["kinds"]})
    assert kinds == built, case["name"]


@pytest.mark.parametrize(("model_type", "case"), PARAMETERS)
def test_recorded_parameters(model_type: str, case: dict[str, Any]) -> None:
    counted = count_hf(case["config"], model=case["model"])
    assert explorer.hf.design_hf(case["config"], model=case["model"]).model_type == model_type
    check(case, counted)


@pytest.mark.parametrize(("model_type", "case"), PUBLISHED)
def test_published_totals(model_type: str, case: dict[str, Any]) -> None:
    total = count_hf(case["config"], model=case["model"]).total
    published = case["published"]
    if isinstance(published, str):  # as printed: compared at its precision
        same = printed_matches(total, published, case.get("rounding", "nearest"))
    else:
        same = total == published
    assert same is not bool(case.get("note")), case["name"]  # a note says why it differs


@pytest.mark.parametrize(("model_type", "case"), ACTIVE)
def test_published_active_counts(model_type: str, case: dict[str, Any]) -> None:
    """An exact published active count equals the count's; a card's printed figure matches
    the convention it names (and the ones ``also`` lists: no other) at its precision."""
    counted = count_hf(case["config"], model=case["model"])
    active = case["active"]
    if not isinstance(active, dict):
        assert counted.active == active
        return
    rounding = active.get("rounding", "nearest")
    matching = {
        convention
        for convention in ACTIVE_CONVENTIONS
        if printed_matches(active_under(counted, convention), active["published"], rounding)
    }
    assert matching == {active["counts"], *active.get("also", ())}, case["name"]


@pytest.mark.parametrize(("model_type", "case"), COMPUTE)
def test_recorded_flops_and_cache(model_type: str, case: dict[str, Any]) -> None:
    counted = count_hf(
        case["config"],
        model=case["model"],
        seq=case["seq"],
        batch=case["batch"],
        decoder_seq=case.get("decoder_seq"),
    )
    assert counted.flops == case["flops"], case["name"]
    if "cache_bytes_bf16" in case:
        memory = explorer.memory(counted, kv_cache=True, dtype="bf16")
        assert memory.breakdown["kv cache"] == case["cache_bytes_bf16"], case["name"]


# -- live: fresh random configurations, and saved configs loaded back -----------------------
def _live_sample() -> list[Any]:
    """Two fresh random configurations per type (seeded: the same ones every run)."""
    rng = random.Random("zoo-live")
    found = []
    for model_type in TYPES:
        spec = definition(model_type)
        classes = sorted({c["model"] for c in recorded(model_type)["cases"]})
        for index in range(2):
            model = rng.choice(classes)
            config = {"model_type": model_type, **spec.random_config(rng)}
            if model.endswith(("Classification", "MultipleChoice")):
                config["num_labels"] = 3
            found.append(pytest.param(model, config, id=f"{model_type}-live-{index}"))
    return found


@pytest.mark.torch
@pytest.mark.parametrize(("model", "config"), _live_sample())
def test_live_random_configuration(model: str, config: dict[str, Any]) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.fixtures.make_hf_counts import measure

    built = measure({"model": model, "config": config})
    check({"name": f"live {config}", **built}, count_hf(config, model=model))


@pytest.mark.torch
@pytest.mark.parametrize("model_type", TYPES)
def test_a_solved_config_loads_back_in_transformers(
    model_type: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """solve --hf-config --save-config writes a config.json transformers builds to the
    count the command printed."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.fixtures.make_hf_counts import measure

    spec = definition(model_type)
    source = tmp_path / "config.json"
    source.write_text(json.dumps({"model_type": model_type, **spec.SMALL}), encoding="utf-8")
    saved = tmp_path / "solved.json"
    counted = count_hf(json.loads(source.read_text(encoding="utf-8")))
    budget = str(2 * counted.total)
    status, out, err = run(
        capsys,
        ["solve", "--budget", budget, "--hf-config", str(source), "--save-config", str(saved),
         "--json"],
    )  # fmt: skip
    assert status == 0, err
    answer = json.loads(out)
    config = json.loads(saved.read_text(encoding="utf-8"))
    model = explorer.hf.design_hf(config).model
    assert measure({"model": model, "config": config})["total"] == answer["total"]
