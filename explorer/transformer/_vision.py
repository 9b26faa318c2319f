"""The vocabulary vision towers share (ViT, Dosovitskiy et al. 2021): the image's channels,
the patch width, the image width (which only sets how many positions there are), the
position rows, a video patch's frames; the rule for the positions of a square grid.

Example:
    >>> rule = grid_positions(class_token=True)
    >>> rule.compute(336, 14), rule.text
    (577, '(image // patch)^2 + 1')
"""

from __future__ import annotations

from explorer.families import Keyword
from explorer.transformer._family import SizeRule

__all__ = ["CHANNELS", "FRAMES", "IMAGE", "PATCH", "POSITIONS", "VISION_FIELDS", "grid_positions"]

#: Colour channels of the image (3).
CHANNELS = Keyword(
    "channels", "colour channels of the image", symbol="C", aliases=("num_channels", "in_channels")
)
#: A patch is patch x patch pixels.
PATCH = Keyword("patch", "patch width in pixels", symbol="p", aliases=("patch_size",))
#: The image width in pixels: it sets the positions, no parameter reads it otherwise (kept in
#: the structure, not a symbol of the formula).
IMAGE = Keyword(
    "image", "image width in pixels (sets the positions)", kind="part", aliases=("image_size",)
)
#: Rows of the position embedding: one per patch of the grid (and the class token's).
POSITIONS = Keyword(
    "positions",
    "positions of the position embedding (patches, and the class token)",
    symbol="n_p",
    aliases=("num_patches", "num_position_embeddings"),
)
#: Frames a video patch spans (Qwen's temporal patches).
FRAMES = Keyword(
    "frames", "frames per temporal patch", symbol="t", aliases=("temporal_patch_size",)
)

#: The config fields of a vision tower and the keywords they set (CLIP-style names).
VISION_FIELDS = (
    ("d_model", "hidden_size"),
    ("layers", "num_hidden_layers"),
    ("heads", "num_attention_heads"),
    ("d_ff", "intermediate_size"),
    ("channels", "num_channels"),
    ("patch", "patch_size"),
)


def grid_positions(*, class_token: bool) -> SizeRule:
    """The positions of a square image cut into square patches: (image // patch)^2, and one
    more for a class token (floored: a partial patch at the edge is dropped)."""
    if class_token:
        return SizeRule(
            "positions",
            ("image", "patch"),
            lambda i, p: (i // p) ** 2 + 1,
            "(image // patch)^2 + 1",
        )
    return SizeRule(
        "positions", ("image", "patch"), lambda i, p: (i // p) ** 2, "(image // patch)^2"
    )
