"""Transformer counts against Hugging Face ``transformers`` 5 built on torch's meta device.

Recorded cases (``tests/fixtures/hf_counts.json``, made by ``make_hf_counts.py``): every
case's total, and every parameter's name and shape (each layer's terms expanded), equal
what ``transformers`` built. Where transformers is installed, fresh random configurations
are built live and compared the same way; ``count_hf`` itself never imports torch.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.errors import ConfigError, ExplorerError
from explorer.hf import count_hf
from tests.cli_helpers import run
from tests.fixtures.make_hf_counts import stack_pattern

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hf_counts.json"
CASES: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def expanded(count: explorer.Count) -> dict[str, tuple[int, ...]]:
    """Every parameter of a count by name: a term of identical layers once per layer."""
    shapes, values = count.shapes, count.breakdown
    names: dict[str, tuple[int, ...]] = {}
    for term in count.compiled.terms:
        shape = shapes[term.name]
        copies = values[term.name] // max(1, math.prod(shape))
        if "*" in term.name:
            for layer in range(copies):
                names[term.name.replace("*", str(layer), 1)] = shape
        else:
            assert copies == 1, term.name
            names[term.name] = shape
    return names


def kinds(names: dict[str, tuple[int, ...]]) -> Counter[tuple[str, tuple[int, ...]]]:
    """Parameters grouped as the fixture groups large models: layer index as ``*``."""
    return Counter((stack_pattern(name), shape) for name, shape in names.items())


def check(case: dict[str, Any], count: explorer.Count) -> None:
    assert count.total == case["total"], case["name"]
    names = expanded(count)
    if "parameters" in case:
        assert names == {n: tuple(s) for n, s in case["parameters"]}, case["name"]
    else:
        recorded = Counter({(p, tuple(s)): n for p, s, n in case["kinds"]})
        assert kinds(names) == recorded, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recorded_case_is_exact(case: dict[str, Any]) -> None:
    check(case, count_hf(case["config"], model=case["model"]))


@pytest.mark.parametrize("case", [c for c in CASES if c.get("published")], ids=lambda c: c["name"])
def test_published_totals(case: dict[str, Any]) -> None:
    total = count_hf(case["config"], model=case["model"]).total
    if case.get("note"):  # FLAN-T5: the checkpoint unties the head a config ties
        assert total != case["published"]
    else:
        assert total == case["published"]


def test_mixture_of_experts_active_parameters() -> None:
    c = count_hf({"model_type": "mixtral"}, model="MixtralForCausalLM")
    assert (c.total, c.active) == (46_702_792_704, 12_879_925_248)
    dense = count_hf({"model_type": "mistral"}, model="MistralForCausalLM")
    assert not dense.sparse
    assert dense.active == dense.total


def test_count_hf_imports_neither_torch_nor_transformers(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"model_type": "llama"}), encoding="utf-8")
    code = (
        "import sys, explorer.hf as h; "
        f"print(h.count_hf({str(config)!r}).total); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    assert out == ["6607343616", "False", "False"]


@pytest.mark.parametrize(
    ("config", "model", "match"),
    [
        pytest.param({"model_type": "lama"}, None, "did you mean 'llama'", id="unknown-type"),
        pytest.param({"hidden_size": 8}, None, "no model_type", id="no-model-type"),
        pytest.param(
            {"model_type": "llama", "hidden_size": 100, "num_attention_heads": 32},
            None,
            r"hidden_size \(100\) must be divisible by num_attention_heads \(32\)",
            id="heads-divide",
        ),
        pytest.param(
            {"model_type": "llama", "hidden_size": 4096.0},
            None,
            "hidden_size must be an integer",
            id="float-size",
        ),
        pytest.param(
            {"model_type": "mistral", "num_key_value_heads": None},
            None,
            "num_key_value_heads must not be null",
            id="null-field",
        ),
        pytest.param(
            {"model_type": "t5", "feed_forward_proj": "very-gated-gelu"},
            None,
            "feed_forward_proj must look like",
            id="t5-activation",
        ),
        pytest.param(
            {"model_type": "bert", "embedding_size": 128},
            None,
            "embedding_size lets a hidden size",
            id="refused-field",
        ),
        pytest.param(
            {"model_type": "llama"}, "LlamaForMaskedLM", "not a llama model class", id="class"
        ),
    ],
)
def test_bad_configs_name_the_field(config: dict[str, Any], model: str | None, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        count_hf(config, model=model)


def test_unknown_fields_are_reported_not_ignored() -> None:
    c = count_hf({"model_type": "llama", "mystery_width": 7})
    assert any("mystery_width" in note for note in c.notes)
    t5 = count_hf({"model_type": "t5", "tie_word_embeddings": False})
    assert any("makes it True" in note for note in t5.notes)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        pytest.param(["count", "--hf-config", "missing.json"], "cannot read", id="no-file"),
        pytest.param(["count", "--hf-config", "{bad}"], "not valid JSON", id="not-json"),
        pytest.param(
            ["count", "llama", "--hf-config", "{good}"], "give one of a family", id="both"
        ),
        pytest.param(
            ["count", "--hf-config", "{good}", "--layers", "3"], "drop --layers", id="sizes"
        ),
        pytest.param(["count", "--model", "LlamaModel", "llama"], "add --hf-config", id="model"),
        pytest.param(
            ["solve", "--budget", "1B", "--hf-config", "{good}", "--free", "wat"],
            "unknown llama free size",
            id="free",
        ),
    ],
)
def test_cli_refuses_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], match: str
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"model_type": "llama"}), encoding="utf-8")
    bad.write_text("{not json", encoding="utf-8")
    argv = [a.replace("{good}", str(good)).replace("{bad}", str(bad)) for a in argv]
    status, out, err = run(capsys, argv)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert match in err


def test_solve_saves_a_config_that_counts_to_the_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "config.json", tmp_path / "solved" / "config.json"
    target.parent.mkdir()
    source.write_text(
        json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}),
        encoding="utf-8",
    )
    argv = ["solve", "--hf-config", str(source), "--budget", "7B", "--free", "hidden_size"]
    status, out, err = run(
        capsys, [*argv, "--multiple-of", "128", "--save-config", str(target), "--json"]
    )
    assert status == 0, err
    answer = json.loads(out)
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["hidden_size"] == answer["sizes"]["d_model"]
    assert saved["hidden_size"] % 128 == 0
    assert count_hf(target).total == answer["total"]
    below, above = answer["below"], answer["above"]
    assert below["total"] <= 7_000_000_000 <= above["total"]
    assert above["value"] - below["value"] == 128


# -- live cross-checks -------------------------------------------------------------------------


def _random_configs(seed: int, per_type: int) -> list[tuple[str, dict[str, Any]]]:
    """Fresh small configurations, drawn as the recorder draws its own, another seed."""
    from tests.fixtures import make_hf_counts as maker

    rng = random.Random(seed)
    found = []
    for model_type, classes in maker._CLASSES.items():
        for _ in range(per_type):
            model = rng.choice(classes)
            config = {"model_type": model_type, **maker._random_config(rng, model_type)}
            if model.endswith(maker._CLASSIFIERS):
                config["num_labels"] = rng.randint(1, 7)
            found.append((model, config))
    return found


@pytest.mark.torch
def test_fresh_random_configs_live() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.fixtures.make_hf_counts import build_model

    for model, config in _random_configs(seed=20261128, per_type=3):
        built = build_model(model, config)
        names = {n: tuple(p.shape) for n, p in built.named_parameters()}
        total = sum(p.numel() for p in built.parameters())
        try:
            counted = count_hf(config, model=model)
        except ExplorerError as error:  # pragma: no cover - a failure to report
            pytest.fail(f"{model} {config}: {error}")
        assert counted.total == total, (model, config)
        assert expanded(counted) == names, (model, config)
        embedding = total - built.num_parameters(exclude_embeddings=True)
        assert counted.embedding == embedding, (model, config)
