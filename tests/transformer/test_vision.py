"""Vision towers: an image's patches in place of token tables (no vocabulary), positions
that follow the image and patch sizes, a head inside the tower (SigLIP's pooling, a merger,
an adapter), and no compute of their own (they read pixels, not a sequence of tokens).
The recorded ground truth is in ``tests/hf/zoo`` (one module per vision model type).
"""

from __future__ import annotations

from typing import Any

import pytest

import explorer

CLIP: dict[str, Any] = {"d_model": 64, "layers": 1, "heads": 4, "d_ff": 96, "patch": 14}


@pytest.mark.parametrize(("image", "rows"), [(56, 17), (57, 17), (69, 17), (70, 26)])
def test_positions_follow_the_grid_a_partial_patch_dropped(image: int, rows: int) -> None:
    c = explorer.count("clip_vision", **CLIP, image=image)
    assert c.shapes["embeddings.position_embedding.weight"] == (rows, 64)
    assert "vocab" not in c.sizes  # a tower has no vocabulary


def test_positions_leave_with_the_embedding_tables() -> None:
    c = explorer.count("clip_vision", **CLIP, image=56, convention="kaplan2020")
    assert "embeddings.position_embedding.weight" not in c.breakdown
    assert "n_p" not in {str(s) for s in c.symbols}
    assert "embeddings.patch_embedding.weight" in c.breakdown  # a linear map of pixels


def test_a_head_inside_the_tower_switched_by_the_config() -> None:
    sizes = {**CLIP, "image": 56}
    pooled = explorer.count("siglip_vision", **sizes)
    plain = explorer.count("siglip_vision", **sizes, pooling_head=False)
    assert (
        pooled.total - plain.total
        == 64 + 3 * 64 * 64 + 3 * 64 + 64 * 64 + 64 + 2 * 64 + 2 * 64 * 96 + 96 + 64
    )
    assert pooled.shapes["head.probe"] == (1, 1, 64)


def test_an_output_width_only_a_head_reads_stays_out_of_the_formula() -> None:
    c = explorer.count("clip_vision", **CLIP, image=56, head="projection", projection=32)
    assert c.shapes["visual_projection.weight"] == (32, 64)
    assert "projection" not in {s.keyword for s in c.compiled.slots}


def test_a_tower_has_no_compute_of_its_own() -> None:
    with pytest.raises(explorer.ExplorerError, match="clip_vision declares no compute terms"):
        explorer.count("clip_vision", **CLIP, image=56, seq=16).flops  # noqa: B018
