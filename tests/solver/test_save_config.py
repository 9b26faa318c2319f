"""``solve --hf-config ... --save-config``: the file written is the answer's design, the
``--set`` fields included, and it reads back to the count the command printed (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import explorer
from tests.cli_helpers import run

LLAMA_2_7B = Path(__file__).parents[2] / "examples" / "configs" / "llama-2-7b.json"


@pytest.mark.parametrize(
    "sets",
    [
        pytest.param(["num_hidden_layers=24"], id="the README's example"),
        pytest.param(["num_hidden_layers=24", "num_attention_heads=16"], id="fewer-heads"),
    ],
)
def test_the_saved_config_is_the_answer(
    sets: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "llama-1.3b.json"
    argv = ["solve", "--budget", "1.3B", "--hf-config", str(LLAMA_2_7B), "--json"]
    argv += [a for s in sets for a in ("--set", s)]
    status, out, err = run(capsys, [*argv, "--save-config", str(saved)])
    assert status == 0, err
    answer = json.loads(out)
    config = json.loads(saved.read_text(encoding="utf-8"))
    for text in sets:
        name, _, value = text.partition("=")
        assert config[name] == int(value)
    assert config["hidden_size"] == answer["sizes"]["d_model"]
    assert explorer.count_hf(saved).total == answer["total"]
    assert config["hidden_size"] % (2 * config["num_attention_heads"]) == 0  # even head_dim


def test_a_config_that_cannot_be_written_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys,
        ["solve", "--budget", "1.3B", "--hf-config", str(LLAMA_2_7B), "--save-config",
         str(tmp_path / "missing" / "out.json")],
    )  # fmt: skip
    assert status == 2
    assert "out.json" in err
    assert not (tmp_path / "missing").exists()
