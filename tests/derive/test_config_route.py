"""A config.json whose model type has no family, counted from the config itself (issue 21):
the kinds of case the 50 measured configs showed, each checked against a build of the
same model on the meta device here, independently of ``explorer``.

Configs are the released config.json files of public models (fields that change no count
left out), each with where it came from. The derivations share one scratch cache per
module, so each model is derived once.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.derivation import Derived, NoPolynomialError, count_config, derive
from explorer.derivation import _target as target_module
from explorer.derivation._errors import MissingLibraryError
from explorer.errors import ConfigError, UnknownNameError
from explorer.hf import model_types
from tests.cli_helpers import run

pytestmark = pytest.mark.torch

#: huggingface.co/microsoft/Phi-3.5-MoE-instruct/blob/main/config.json (phimoe: a mixture of
#: experts with no family; its rope_scaling left out): head_dim is not an argument of
#: PhimoeConfig.__init__, only an attribute the model reads.
PHI35_MOE: dict[str, Any] = {
    "architectures": ["PhimoeForCausalLM"],
    "attention_bias": True,
    "hidden_size": 4096,
    "intermediate_size": 6400,
    "lm_head_bias": True,
    "max_position_embeddings": 131072,
    "model_type": "phimoe",
    "num_attention_heads": 32,
    "num_experts_per_tok": 2,
    "num_hidden_layers": 32,
    "num_key_value_heads": 8,
    "num_local_experts": 16,
    "tie_word_embeddings": False,
    "vocab_size": 32064,
}
#: huggingface.co/cardiffnlp/twitter-roberta-base-sentiment/blob/main/config.json (three
#: labels given by id2label only) under model_type camembert: RoBERTa's architecture under a
#: name no family binds (roberta has one).
SENTIMENT_NO_FAMILY: dict[str, Any] = {
    "architectures": ["CamembertForSequenceClassification"],
    "model_type": "camembert",
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "max_position_embeddings": 514,
    "type_vocab_size": 1,
    "vocab_size": 50265,
    "pad_token_id": 1,
    "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
    "label2id": {"LABEL_0": 0, "LABEL_1": 1, "LABEL_2": 2},
}
#: huggingface.co/llava-hf/llava-1.5-7b-hf/blob/main/config.json: nested text and vision
#: configs, the text one mostly defaults.
LLAVA_15_7B: dict[str, Any] = {
    "architectures": ["LlavaForConditionalGeneration"],
    "image_token_index": 32000,
    "model_type": "llava",
    "pad_token_id": 32001,
    "projector_hidden_act": "gelu",
    "text_config": {
        "architectures": ["LlamaForCausalLM"],
        "max_position_embeddings": 4096,
        "model_type": "llama",
        "rms_norm_eps": 1e-05,
        "vocab_size": 32064,
    },
    "tie_word_embeddings": False,
    "vision_config": {
        "hidden_size": 1024,
        "image_size": 336,
        "intermediate_size": 4096,
        "model_type": "clip_vision_model",
        "num_attention_heads": 16,
        "num_hidden_layers": 24,
        "patch_size": 14,
        "projection_dim": 768,
        "vocab_size": 32000,
    },
    "vision_feature_layer": -2,
    "vision_feature_select_strategy": "default",
    "vocab_size": 32064,
}
#: LLaVA-1.5's towers as a LLaVA-NeXT (``llava_next``, a type with no family): nested
#: configs on the derive route.
LLAVA_NEXT: dict[str, Any] = {
    **LLAVA_15_7B,
    "architectures": ["LlavaNextForConditionalGeneration"],
    "model_type": "llava_next",
    "image_grid_pinpoints": [[336, 672], [672, 336], [672, 672]],
}


def _needs_transformers() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")


def truth(config: dict[str, Any], model: str | None = None) -> int:
    """The unique parameters of the model transformers builds from ``config``."""
    import torch
    import transformers

    fields = {k: v for k, v in config.items() if k != "model_type"}
    built = transformers.CONFIG_MAPPING[config["model_type"]](**fields)
    name = model or config["architectures"][0]
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = getattr(transformers, name)(built)
    return sum(p.numel() for p in module.parameters())


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("config-route-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPLORER_CACHE_DIR", str(folder))
        patch.delenv("EXPLORER_CACHE", raising=False)
        yield folder


@pytest.fixture
def moe_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(PHI35_MOE))
    return path


# -- exact counts, the route said -------------------------------------------------------------
@pytest.mark.parametrize(
    "config",
    [
        pytest.param(PHI35_MOE, id="phimoe-head-dim-attribute"),
        pytest.param(SENTIMENT_NO_FAMILY, id="camembert-labels-from-id2label"),
        pytest.param(LLAVA_NEXT, id="llava-next-nested-configs"),
    ],
)
def test_count_hf_is_exact_for_a_type_with_no_family(
    shared_cache: Path, config: dict[str, Any]
) -> None:
    _needs_transformers()
    assert config["model_type"] not in model_types()
    counted = explorer.count_hf(config)
    assert counted.total == truth(config)
    assert counted.notes[0].startswith(
        f"derived from the config by building {config['architectures'][0]} on the meta device, "
        "transformers "
    )
    assert counted.weights + counted.biases == counted.total
    assert sum(counted.by_block.values()) == counted.total
    assert sum(counted.breakdown.values()) == counted.total


def test_moe_has_names_blocks_embedding_and_active(shared_cache: Path) -> None:
    _needs_transformers()
    counted = explorer.count_hf(PHI35_MOE)
    assert counted.total == 41_873_153_344
    experts = counted.by_block["experts"]
    assert counted.active == counted.total - experts + experts * 2 // 16
    assert counted.embedding == 32064 * 4096  # the input table; the head is not tied
    names = counted.breakdown
    assert names["model.layers.{i}.mlp.experts.gate_up_proj"] == 32 * 16 * 2 * 6400 * 4096
    assert names["model.layers.{i}.self_attn.q_proj.weight"] == 32 * 4096 * 4096


def test_biases_are_apart(shared_cache: Path) -> None:
    _needs_transformers()
    counted = explorer.count_hf(SENTIMENT_NO_FAMILY)
    assert counted.biases > 0
    assert counted.breakdown["classifier.out_proj.bias"] == 3
    assert counted.embedding == (50265 + 514 + 1) * 768


def test_a_set_field_that_is_no_init_argument_counts(shared_cache: Path) -> None:
    _needs_transformers()
    counted = explorer.count_hf(PHI35_MOE, head_dim=64)
    assert counted.total == truth({**PHI35_MOE, "head_dim": 64})
    assert counted.total != 41_873_153_344


def test_num_labels_set_over_the_file(shared_cache: Path) -> None:
    _needs_transformers()
    config = {k: v for k, v in SENTIMENT_NO_FAMILY.items() if k not in ("id2label", "label2id")}
    counted = explorer.count_hf(config, num_labels=5)
    assert counted.total == truth({**config, "num_labels": 5})


def test_a_repeat_comes_from_the_cache_without_torch(shared_cache: Path) -> None:
    _needs_transformers()
    explorer.count_hf(PHI35_MOE)
    import subprocess

    code = (
        "import sys, json, explorer; "
        f"c = explorer.count_hf(json.loads({json.dumps(json.dumps(PHI35_MOE))})); "
        "print(c.total, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["41873153344", "False", "False"]


# -- the command line -------------------------------------------------------------------------
def test_cli_prints_the_exact_count_and_its_route(
    shared_cache: Path, moe_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_transformers()
    status, out, err = run(capsys, ["count", "--hf-config", str(moe_file)])
    assert status == 0, err
    assert "41,873,153,344 parameters" in out
    assert "derived from the config by building PhimoeForCausalLM on the meta device" in out
    status, out, _ = run(capsys, ["count", "--hf-config", str(moe_file), "--json"])
    assert json.loads(out)["total"] == 41_873_153_344


def test_cli_set_takes_nested_fields(
    shared_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _needs_transformers()
    path = tmp_path / "llava.json"
    path.write_text(json.dumps(LLAVA_15_7B))
    argv = ["count", "--hf-config", str(path), "--set", "vision_config.num_hidden_layers=2"]
    status, out, err = run(capsys, [*argv, "--json"])
    assert status == 0, err
    changed = {**LLAVA_15_7B, "vision_config": {**LLAVA_15_7B["vision_config"]}}
    changed["vision_config"]["num_hidden_layers"] = 2
    assert json.loads(out)["total"] == truth(changed)


def test_without_transformers_one_line_and_exit_2(
    moe_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(library: str) -> None:
        raise MissingLibraryError(f"{library} is not installed")

    monkeypatch.setattr(target_module, "require", missing)
    monkeypatch.setenv("EXPLORER_CACHE", "off")
    status, out, err = run(capsys, ["count", "--hf-config", str(moe_file)])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    found = r"model_type 'phimoe' has no family \(\d+ model types have one, such as gpt2"
    assert re.search(found, err)
    assert "pip install 'explorer[truth]'" in err


def test_flops_of_a_model_that_reads_images_are_refused_in_one_line(
    shared_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """FLOPs are derived on this route (tests/derive/test_compute.py), except for a model
    whose pass on token ids alone would leave a tower out."""
    _needs_transformers()
    path = tmp_path / "llava-next.json"
    path.write_text(json.dumps(LLAVA_NEXT))
    status, out, err = run(capsys, ["count", "--hf-config", str(path), "--seq", "128"])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "FLOPs of LlavaNextForConditionalGeneration are not derived" in err
    assert "reads more than token ids (vision_config)" in err


def test_an_unbuildable_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_transformers()
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**PHI35_MOE, "hidden_act": "no_such_activation"}))
    monkeypatch.setenv("EXPLORER_CACHE", "off")
    status, out, err = run(capsys, ["count", "--hf-config", str(path)])
    assert (status, out) == (2, "")
    assert err.startswith("error: transformers cannot build PhimoeForCausalLM")
    assert err.count("\n") == 1


# -- derive on such classes --------------------------------------------------------------------
SMALL_MOE = {"num_experts": 4, "hidden_size": 64, "vocab_size": 100, "head_dim": 16}


def test_derive_takes_head_dim_and_is_exact() -> None:
    _needs_transformers()
    fixed = {k: v for k, v in SMALL_MOE.items() if k != "head_dim"}
    derived = derive(
        "transformers.Qwen3MoeConfig", "num_hidden_layers=1:8,head_dim=8:64:8", fixed, cache=False
    )
    for layers, head_dim in ((3, 16), (8, 64)):
        config = {
            "model_type": "qwen3_moe",
            "architectures": ["Qwen3MoeForCausalLM"],
            **{k: v for k, v in SMALL_MOE.items() if k != "head_dim"},
            "num_hidden_layers": layers,
            "head_dim": head_dim,
        }
        assert derived.count(num_hidden_layers=layers, head_dim=head_dim) == truth(config)


def test_derive_refuses_an_ignored_field() -> None:
    _needs_transformers()
    with pytest.raises(UnknownNameError, match=r"hiden_size is ignored by Qwen3MoeForCausalLM"):
        derive(
            "transformers.Qwen3MoeConfig", "num_hidden_layers=1:4", {"hiden_size": 8}, cache=False
        )


def test_derive_refuses_an_irregular_layer_pattern_with_the_reason() -> None:
    _needs_transformers()
    with pytest.raises(NoPolynomialError, match=r"changes in between \(an irregular pattern"):
        derive(
            "transformers.Qwen3MoeConfig",
            "num_hidden_layers=1:24",
            {**SMALL_MOE, "decoder_sparse_step": 2},
            cache=False,
        )


def test_derive_varies_a_nested_field() -> None:
    _needs_transformers()
    derived = derive(
        "transformers.LlavaConfig",
        "text_config.num_hidden_layers=1:8",
        {
            "text_config.hidden_size": 64,
            "text_config.vocab_size": 100,
            "text_config.num_attention_heads": 4,
            "text_config.intermediate_size": 32,
            "vision_config.num_hidden_layers": 1,
            "vision_config.hidden_size": 32,
            "vision_config.intermediate_size": 16,
            "vision_config.num_attention_heads": 2,
        },
        model="LlavaForConditionalGeneration",
        cache=False,
    )
    assert derived.variables == ("text_config__num_hidden_layers",)
    config = {
        "model_type": "llava",
        "architectures": ["LlavaForConditionalGeneration"],
        "text_config": {
            "model_type": "llama",
            "hidden_size": 64,
            "vocab_size": 100,
            "num_attention_heads": 4,
            "intermediate_size": 32,
            "num_hidden_layers": 5,
        },
        "vision_config": {
            "model_type": "clip_vision_model",
            "num_hidden_layers": 1,
            "hidden_size": 32,
            "intermediate_size": 16,
            "num_attention_heads": 2,
        },
    }
    assert derived.count(text_config__num_hidden_layers=5) == truth(config)


def test_derive_takes_a_label_dictionary(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_transformers()
    argv = [
        "derive",
        "transformers.RobertaConfig",
        "--model",
        "RobertaForSequenceClassification",
        "--vary",
        "num_hidden_layers=1:4",
        "--set",
        "hidden_size=32",
        "--set",
        "num_attention_heads=2",
        "--set",
        "intermediate_size=16",
        "--set",
        "vocab_size=50",
        "--set",
        'id2label={"0": "neg", "1": "neu", "2": "pos"}',
        "--no-cache",
        "--json",
    ]
    status, out, err = run(capsys, argv)
    assert status == 0, err
    data = json.loads(out)
    derived = Derived.from_data(data, "cli")
    config = {
        "model_type": "roberta",
        "architectures": ["RobertaForSequenceClassification"],
        "hidden_size": 32,
        "num_attention_heads": 2,
        "intermediate_size": 16,
        "vocab_size": 50,
        "num_hidden_layers": 3,
        "id2label": {"0": "neg", "1": "neu", "2": "pos"},
    }
    assert derived.count(num_hidden_layers=3) == truth(config)


# -- fractional coefficients count exactly on the command line --------------------------------
def test_fractional_coefficients_count_exactly_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "triangle.toml"
    Derived.from_data(
        {
            "format": 1,
            "target": "demo.Triangle",
            "formula": "n*(n + 1)/2 + m",
            "variables": ["n", "m"],
            "domain": {"n": {"lo": 1, "hi": 10**6, "step": 1}, "m": {"lo": 1, "hi": 9, "step": 1}},
            "builds": 9,
            "verified": {"points": 4, "exact": True},
        },
        "inline",
    ).save(path)
    try:
        status, out, err = run(capsys, ["count", str(path), "--n", "999999", "--m", "3", "--json"])
        assert status == 0, err
        assert json.loads(out)["total"] == 999999 * 1000000 // 2 + 3
        status, out, err = run(
            capsys, ["solve", "--budget", "5050", "--arch", str(path), "--m", "1", "--json"]
        )
        assert status == 0, err
        assert json.loads(out)["sizes"]["n"] in (99, 100)
    finally:
        explorer.FAMILIES.pop("derived:triangle", None)


def test_config_error_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match='needs "model_type"'):
        count_config({"hidden_size": 3})
