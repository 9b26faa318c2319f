"""``--seq`` shows the exact FLOPs beside the approximations people use, and how far off
each is: 2N per token, 6N per training token, Kaplan et al. 2020's 2N + 2 n_layer n_ctx
d_attn."""

from __future__ import annotations

import json
from typing import Any

import pytest

import explorer
from explorer.measures import approximations
from tests.cli_helpers import run, run_json


def test_gpt2_small_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, ["count", "gpt2", "--seq", "1024", "--batch", "2"])
    found = {a["name"]: a for a in data["approximations"]}
    tokens = 2048
    total, embedding = data["total"], data["embedding"]
    assert found["2N per token"]["flops"] == 2 * total * tokens
    assert found["2N per token"]["exact"] == data["flops"]
    assert found["6N per training token"]["flops"] == 6 * total * tokens
    assert found["6N per training token"]["exact"] == data["training_flops"]
    kaplan = found["Kaplan 2N + 2 n_layer n_ctx d_attn"]
    per_token = 2 * (total - embedding) + 2 * 12 * 1024 * 768
    assert kaplan["flops"] == per_token * tokens
    assert kaplan["relative_difference"] == pytest.approx(
        (kaplan["flops"] - data["flops"]) / data["flops"]
    )
    assert kaplan["terms"] == {
        "N": total - embedding,
        "n_layer": 12,
        "n_ctx": 1024,
        "d_attn": 768,
        "tokens": tokens,
    }


def test_the_table_shows_them_with_the_difference(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, ["count", "gpt2", "--seq", "1024"])
    assert status == 0
    assert "approximations for 1,024 tokens against the exact FLOPs (forward 291,648,307,200" in out
    assert "2N per token                        254,852,726,784  -12.6%" in out
    assert "Kaplan 2N + 2 n_layer n_ctx d_attn  193,522,040,832  -33.6%" in out


def test_grouped_query_attention_uses_the_query_width() -> None:
    c = explorer.count("llama", layers=2, heads=32, kv_heads=8, head_dim=64, d_model=4096, seq=8)
    (kaplan,) = [a for a in approximations(c) if a.name.startswith("Kaplan")]
    assert dict(kaplan.terms)["d_attn"] == 32 * 64


@pytest.mark.parametrize(
    ("family", "sizes"),
    [
        pytest.param("lstm", {"input": 39, "cells": 64}, id="recurrent"),
        pytest.param("t5", {}, id="encoder-decoder"),
    ],
)
def test_kaplan_only_for_one_transformer_stack(family: str, sizes: dict[str, Any]) -> None:
    names = [a.name for a in approximations(explorer.count(family, seq=16, **sizes))]
    assert names == ["2N per token", "6N per training token"]


def test_a_mixture_of_experts_counts_its_active_parameters() -> None:
    c = explorer.count("mixtral", layers=2, seq=4)
    (two_n, *_) = approximations(c)
    assert dict(two_n.terms)["N"] == c.active < c.total
    assert json.dumps(two_n.to_json())
