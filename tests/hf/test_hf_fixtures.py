"""The recorded Hugging Face ground truth holds together, and matches transformers where installed.

Two files: ``fixtures/hf_counts.json`` (``fixtures/make_hf_counts.py``: meta-device builds of
``transformers`` models from config dicts) and the package's ``hfdata`` files
(``python -m explorer.hf.record``: config-class defaults, for the model types the families
bind). Checked always: each case's total is the sum of what it lists, the released
configurations carry the totals their authors publish, and the defaults file with each
family's binding resolves every recorded config as transformers did. Checked live where
torch and transformers are installed: a handful of cases rebuilt, and the recorder gives the
defaults file byte for byte.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from explorer.errors import ConfigError
from explorer.hf import apply_config_rules, family_for, rule_value
from tests.fixtures import make_hf_counts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "hf_counts.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["name"]: case for case in RECORDED["cases"]}
INDEX: dict[str, Any] = json.loads(
    files("explorer.hfdata").joinpath("index.json").read_text(encoding="utf-8")
)
TYPES: dict[str, dict[str, Any]] = {
    model_type: json.loads(
        files("explorer.hfdata").joinpath(f"types/{model_type}.json").read_text("utf-8")
    )
    for model_type in INDEX["families"]
}
ALL_CASES = [pytest.param(name, id=name) for name in CASES]

# Totals as the models' authors publish them (model cards, papers, the Pythia suite's table).
PUBLISHED = {
    "released-gpt2-small": 124_439_808,
    "released-gpt2-medium": 354_823_168,
    "released-gpt2-large": 774_030_080,
    "released-gpt2-xl": 1_557_611_200,
    "released-bert-base-uncased": 109_482_240,
    "released-bert-large-uncased": 335_141_888,
    "released-t5-small": 60_506_624,
    "released-t5-base": 222_903_552,
    "released-t5-large": 737_668_096,
    "released-llama-7b": 6_738_415_616,
    "released-llama-13b": 13_015_864_320,
    "released-llama-2-70b": 68_976_648_192,
    "released-llama-3-8b": 8_030_261_248,
    "released-mistral-7b-v0.1": 7_241_732_096,
    "released-mixtral-8x7b-v0.1": 46_702_792_704,
    "released-gemma-2b": 2_506_172_416,
    "released-gemma-7b": 8_537_680_896,
    "released-qwen2-0.5b": 494_032_768,
    "released-qwen2-7b": 7_615_616_512,
    "released-pythia-70m": 70_426_624,
    "released-pythia-160m": 162_322_944,
    "released-pythia-410m": 405_334_016,
    "released-pythia-1b": 1_011_781_632,
    "released-gpt-neox-20b": 20_554_567_680,
}

# A handful rebuilt live: released, every model type, classes with odd heads, random configs.
LIVE = [
    "released-gpt2-small",
    "released-t5-small",
    "released-pythia-70m",
    "released-flan-t5-small",
    "class-bert-BertForPreTraining",
    "variant-bert-BertForMaskedLM-no-tie",
    "variant-gpt2-GPT2Model-cross-attention",
    "variant-t5-T5Model-decoder-layers-1",
    "variant-qwen2-Qwen2ForCausalLM-extra-head-dim-8",
    "variant-llama-LlamaForTokenClassification-token-bias-off",
    "random-llama-00",
    "random-mistral-03",
    "random-qwen2-04",
    "random-gemma-05",
    "random-mixtral-00",
    "random-gpt_neox-01",
    "random-t5-02",
]


def _listed_total(case: dict[str, Any]) -> int:
    if "parameters" in case:
        return sum(make_hf_counts.numel(shape) for _, shape in case["parameters"])
    return sum(make_hf_counts.numel(shape) * count for _, shape, count in case["kinds"])


# The recorded file ------------------------------------------------------------------------


def test_fixture_records_versions_and_enough_cases() -> None:
    assert set(RECORDED["versions"]) == {"transformers", "torch"}
    assert RECORDED["versions"]["transformers"].startswith("5.")
    assert len(CASES) == len(RECORDED["cases"]) >= 300


def test_fixture_has_every_case_the_recorder_lists() -> None:
    assert list(CASES) == [case["name"] for case in make_hf_counts.cases()]


@pytest.mark.parametrize("name", ALL_CASES)
def test_total_is_the_sum_of_what_the_case_lists(name: str) -> None:
    case = CASES[name]
    assert case["config"]["model_type"] == case["model_type"]
    assert case["total"] == _listed_total(case)
    if "parameters" in case:
        listed = [n for n, _ in case["parameters"]]
        assert len(set(listed)) == len(listed)
        assert all(target in listed for _, target in case["aliases"])
        assert not {alias for alias, _ in case["aliases"]} & set(listed)
    else:
        assert len(case["kinds"]) > 0


@pytest.mark.parametrize(
    ("name", "published"), [pytest.param(*item, id=item[0]) for item in PUBLISHED.items()]
)
def test_released_configuration_has_the_published_total(name: str, published: int) -> None:
    assert CASES[name]["published"] == published
    assert CASES[name]["total"] == published


def test_flan_t5_differs_from_its_checkpoint_by_the_untied_head() -> None:
    case = CASES["released-flan-t5-small"]
    assert case["published"] - case["total"] == 32128 * 512
    assert "untied" in case["note"]
    assert ["lm_head.weight", "shared.weight"] in case["aliases"]


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        pytest.param("class-gpt2-GPT2LMHeadModel", "lm_head.weight", id="gpt2"),
        pytest.param("class-gemma-GemmaForCausalLM", "lm_head.weight", id="gemma"),
        pytest.param("class-bert-BertForMaskedLM", "cls.predictions.decoder.bias", id="bert-bias"),
    ],
)
def test_tied_heads_are_aliases_not_parameters(name: str, alias: str) -> None:
    case = CASES[name]
    assert alias in {a for a, _ in case["aliases"]}
    assert alias not in {n for n, _ in case["parameters"]}


# The defaults file ------------------------------------------------------------------------


def test_defaults_file_matches_the_recorded_version_and_types() -> None:
    assert INDEX["transformers_version"] == RECORDED["versions"]["transformers"]
    assert {case["model_type"] for case in CASES.values()} <= set(TYPES)
    for model_type, entry in TYPES.items():
        recorded = {case["model"] for case in CASES.values() if case["model_type"] == model_type}
        assert recorded <= set(entry["model_classes"]), model_type
        assert set(entry["auto"].values()) <= set(entry["model_classes"])


@pytest.mark.parametrize("name", ALL_CASES)
def test_defaults_resolve_each_config_as_transformers_did(name: str) -> None:
    case = CASES[name]
    entry = TYPES[case["model_type"]]
    binding = family_for(case["model_type"]).hf
    assert binding is not None
    resolved = dict(entry["defaults"])
    for key, value in case["config"].items():
        resolved[entry["attribute_map"].get(key, key)] = value
    apply_config_rules(binding.derived, resolved, case["config"])
    compared = {key: resolved[key] for key in case["effective"] if key in resolved}
    assert compared == {key: case["effective"][key] for key in compared}
    assert len(compared) >= 10


def test_rule_values_evaluate_as_documented() -> None:
    fields = {"feed_forward_proj": "gated-gelu", "n_embd": 8}
    assert rule_value({"op": "mul", "args": [4, "n_embd"]}, fields, {}) == 32
    assert rule_value(
        {"op": "first_part_is", "args": ["feed_forward_proj", "-", "gated"]}, fields, {}
    )
    given_false = {"tie_word_embeddings": False}
    assert not rule_value(
        {"op": "given_not_false", "args": ["tie_word_embeddings"]}, fields, given_false
    )
    with pytest.raises(ConfigError, match="the recorded rule 'pow' is unknown"):
        rule_value({"op": "pow", "args": [2, 3]}, fields, {})


def test_every_recorded_type_is_bound_by_its_family() -> None:
    """The recorded index names, for each model type, the family whose binding claims it."""
    from explorer.families import FAMILIES

    for model_type, family in INDEX["families"].items():
        binding = FAMILIES[family].hf
        assert binding is not None
        assert model_type in binding.model_types


# Live: rebuilt with the installed transformers ----------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in LIVE])
def test_recorded_case_rebuilds_the_same(name: str) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    case = CASES[name]
    measured = make_hf_counts.measure(case)
    recorded = {key: case[key] for key in measured}
    assert measured == recorded


@pytest.mark.torch
def test_the_recorder_rewrites_the_defaults_file_byte_for_byte() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from explorer.hf import record

    assert record.main(["--check"]) == 0
