"""Composite models (:mod:`explorer.transformer.composite`): one count of several towers,
each counted by its own family, joined by a projector; their keywords, symbols, terms,
measures, active parameters, explanation, and the nested configs they are read from
(``text_config``, ``vision_config``, ``--set text_config.FIELD``, a solved config written
back nested).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.errors import ConfigError, UnknownNameError
from explorer.explain import explain
from explorer.hf import count_hf, design_hf
from tests.cli_helpers import run

#: A small LLaVA: a CLIP tower of 1 layer and a LLaMA of 2.
SMALL: dict[str, Any] = {
    "text_d_model": 64,
    "text_layers": 2,
    "text_heads": 4,
    "text_vocab": 100,
    "vision_d_model": 32,
    "vision_layers": 1,
    "vision_heads": 2,
    "vision_d_ff": 48,
    "vision_image": 28,
    "vision_patch": 14,
}
CONFIG: dict[str, Any] = {
    "model_type": "llava",
    "architectures": ["LlavaForConditionalGeneration"],
    "text_config": {
        "model_type": "llama",
        "hidden_size": 64,
        "intermediate_size": 96,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "vocab_size": 100,
    },
    "vision_config": {
        "model_type": "clip_vision_model",
        "hidden_size": 32,
        "intermediate_size": 48,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "image_size": 28,
        "patch_size": 14,
    },
}


def _set(field: str, value: Any) -> dict[str, Any]:
    """A field to set, as ``count_hf``'s keywords take it (a dotted name reaches a part)."""
    return {field: value}


def test_the_parts_are_their_families_counts_under_their_prefixes() -> None:
    c = explorer.count("llava", **SMALL)
    text = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100, head="none")
    vision = explorer.count(
        "clip_vision", d_model=32, layers=1, heads=2, d_ff=48, image=28, patch=14
    )
    assert {k.removeprefix("model.language_model."): v for k, v in c.breakdown.items()
            if k.startswith("model.language_model.")} == text.breakdown  # fmt: skip
    assert {k.removeprefix("model.vision_tower."): v for k, v in c.breakdown.items()
            if k.startswith("model.vision_tower.")} == vision.breakdown  # fmt: skip
    projector = 64 * 32 + 64 + 64 * 64 + 64
    assert c.total == text.total + vision.total + projector + 100 * 64  # and the LM head
    assert c.subtotals["projector"] == projector
    assert {g.split(":")[0] for g in c.subtotals} == {"vision", "text", "projector", "head"}


def test_keywords_are_prefixed_by_the_part_aliases_too() -> None:
    by_alias = explorer.count(
        "llava", **{k: v for k, v in SMALL.items() if k != "text_d_model"}, text_hidden_size=64
    )
    assert by_alias.total == explorer.count("llava", **SMALL).total
    with pytest.raises(UnknownNameError, match="did you mean 'text_layers'"):
        explorer.count("llava", **SMALL, text_layerz=3)
    with pytest.raises(UnknownNameError, match="unknown llava text family 'gpt2'"):
        explorer.count("llava", **SMALL, text_family="gpt2")


def test_each_tower_has_its_own_symbols() -> None:
    formula = explorer.formula("llava").formula
    names = {str(s) for s in formula.free_symbols}
    assert {"d", "L", "V", "d_v", "L_v", "n_f"} <= names
    assert "d*d_v*n_f" in str(formula)  # the projector reads both towers' widths


def test_the_design_counts_again_to_the_same_count() -> None:
    c = explorer.count("llava", **SMALL, text_family="mistral", text_kv_heads=2, feature_layers=2)
    assert explorer.count("llava", **c.sizes).total == c.total
    assert c.sizes["text_family"] == "mistral"


def test_compute_and_cache_are_the_language_models_and_its_lm_head() -> None:
    c = explorer.count("llava", **SMALL, seq=16, batch=2)
    text = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100, seq=16, batch=2)
    assert c.flops == text.flops  # LlamaForCausalLM's pass: the same products, the LM head's
    memory = explorer.memory(c, kv_cache=True, dtype="bf16")
    assert (
        memory.breakdown["kv cache"]
        == explorer.memory(text, kv_cache=True, dtype="bf16").breakdown["kv cache"]
    )


def test_active_parameters_are_a_text_tokens() -> None:
    c = explorer.count("llava", **SMALL)
    vision = sum(v for k, v in c.breakdown.items() if k.startswith("model.vision_tower."))
    assert c.total - c.active == vision + c.subtotals["projector"]


def test_explain_reads_each_part_with_its_own_sizes() -> None:
    told = {t.name: t.why for t in explain(explorer.count("llava", **SMALL)).terms}
    assert told["model.vision_tower.encoder.layers.*.self_attn.q_proj.weight"].startswith(
        "each of the 2 query heads of 16"
    )
    assert told["model.language_model.layers.*.self_attn.q_proj.weight"].endswith(
        "2 copies, one per layer"
    )


# -- read from a config.json ----------------------------------------------------------------
def test_a_config_is_read_part_by_part() -> None:
    design = design_hf(CONFIG)
    assert design.fields["text_d_model"] == "text_config.hidden_size"
    assert design.sizes["vision_family"] == "clip_vision"
    assert count_hf(CONFIG).total == explorer.count("llava", **design.sizes).total


def test_set_reaches_into_a_part() -> None:
    deeper = count_hf(CONFIG, **_set("text_config.num_hidden_layers", 24))
    by_keyword = explorer.count("llava", **{**design_hf(CONFIG).sizes, "text_layers": 24})
    assert deeper.total == by_keyword.total != count_hf(CONFIG).total
    # a nested config the file leaves out is made as the composite makes it, then set
    bare = count_hf({"model_type": "llava"}, **_set("vision_config.num_hidden_layers", 2))
    assert bare.sizes["vision_d_model"] == 1024
    assert bare.sizes["vision_layers"] == 2


def test_cli_set_reaches_into_a_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(CONFIG), encoding="utf-8")
    argv = ["count", "--hf-config", str(path), "--set", "text_config.num_hidden_layers=3", "--json"]
    status, out, err = run(capsys, argv)
    assert status == 0, err
    assert (
        json.loads(out)["total"]
        == count_hf(CONFIG, **_set("text_config.num_hidden_layers", 3)).total
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        pytest.param(
            {"text_config": {**CONFIG["text_config"], "model_type": "gpt2"}},
            r"text_config: model_type 'gpt2' is not read as the text part of llava \(known: llama",
            id="a-part-of-another-kind",
        ),
        pytest.param(
            {"vision_config": [1, 2]}, "vision_config must be an object", id="not-an-object"
        ),
        pytest.param(
            {"text_config": {**CONFIG["text_config"], "hidden_size": -4}},
            "text_config: hidden_size must not be negative",
            id="a-part-refuses-by-name",
        ),
    ],
)
def test_bad_parts_are_refused_by_name(change: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        count_hf({**CONFIG, **change})


def test_a_solved_config_is_written_into_the_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = {k: v for k, v in CONFIG.items() if k != "text_config"}
    source = tmp_path / "config.json"
    source.write_text(json.dumps(bare))
    saved = tmp_path / "solved.json"
    budget = str(count_hf(bare).total // 2)
    argv = ["solve", "--budget", budget, "--hf-config", str(source), "--save-config", str(saved),
            "--free", "text_layers", "--json"]  # fmt: skip
    status, out, err = run(capsys, argv)
    assert status == 0, err
    written = json.loads(saved.read_text(encoding="utf-8"))
    # the file had no text_config: it is made as LlavaConfig makes it, the depth set in it
    assert written["text_config"] == {
        "model_type": "llama",
        "num_hidden_layers": json.loads(out)["sizes"]["text_layers"],
    }
    assert count_hf(written).total == json.loads(out)["total"]
