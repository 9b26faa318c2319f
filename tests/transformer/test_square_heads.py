"""A square attention (d_model x d_model, head_dim following d_model // heads) keeps its
heads out of the formula but not out of the checks: transformers refuses a d_model the heads
do not divide (LLaMA's config, CLIP's attention) and an odd head_dim under rotary positions
(Pixtral's config); both were counted before.
"""

from __future__ import annotations

import pytest

import explorer
from explorer.errors import InvalidSizeError


def test_heads_must_divide_d_model_of_a_square_attention() -> None:
    with pytest.raises(InvalidSizeError, match="llama needs heads to divide d_model: 30 % 4"):
        explorer.count("llama", d_model=30, layers=1, heads=4, vocab=10)
    with pytest.raises(InvalidSizeError, match="clip_vision needs heads to divide d_model"):
        explorer.count("clip_vision", d_model=30, layers=1, heads=4, d_ff=8, image=28, patch=14)
    assert explorer.count("llama", d_model=32, layers=1, heads=4, vocab=10).total == 29408


def test_rotary_needs_an_even_head_dim_of_a_square_attention() -> None:
    with pytest.raises(InvalidSizeError, match="even head_dim, got 27"):
        explorer.count("pixtral", d_model=54, layers=1, heads=2, d_ff=8, patch=14)
    assert explorer.count("pixtral", d_model=56, layers=1, heads=2, d_ff=8, patch=14).total > 0
