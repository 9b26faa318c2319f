"""The front of a vision tower (ViT, Dosovitskiy et al. 2021): an image cut into patches of
p x p pixels, each patch projected to d_model (a strided convolution, or a linear map of the
flattened patch), a learned class token, learned positions, a norm; and their words. The
tower reads pixels, not token ids: it has no vocabulary, and its forward pass is not sized
by ``seq`` and ``batch`` (no compute measures).

Example:
    >>> import explorer
    >>> c = explorer.count("clip_vision", d_model=64, layers=1, heads=4, d_ff=96,
    ...                    image=56, patch=14)
    >>> c.breakdown["embeddings.patch_embedding.weight"]
    37632
    >>> c.shapes["embeddings.position_embedding.weight"]  # (56 // 14)^2 patches and a class token
    (17, 64)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, words
from explorer.transformer.blocks.norm import layer_norm

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure

__all__ = ["PatchEmbeddings"]


class PatchEmbeddings(NamedTuple):
    """An image's patches as a vision tower's input, by local name (``""``: none).

    Attributes:
        patch: the patch projection (its weight: ``conv`` [d, C, p, p], ``conv3d``
            [d, C, t, p, p] over t frames, ``linear`` [d, C p^2]).
        kind: how the patch is projected (above).
        bias: the projection has a bias.
        class_token: a learned class token [d] (a bare parameter), read first.
        positions: learned positions [n_p, d] (``positions`` rows).
        bare_positions: the positions are a bare parameter (no ``.weight``).
        norm: a norm right after the embeddings (CLIP's ``pre_layrnorm``).
    """

    patch: str
    kind: Literal["conv", "conv3d", "linear"] = "conv"
    bias: bool = False
    class_token: str = ""
    positions: str = ""
    bare_positions: bool = False
    norm: str = ""
    #: A vision tower reads pixels (see :class:`~explorer.transformer.blocks.Front`).
    reads_tokens: bool = False

    def params(
        self,
        at: Site,
        z: Sizes,
        s: TransformerStructure,
        readers: tuple[tuple[str, str], ...] = (),
    ) -> list[Term]:
        """The patch projection (and its bias), the class token, the positions, the norm."""
        d, channels, patch = z.d, z["channels"], z["patch"]
        shape: tuple[Any, ...] = {
            "conv": (d, channels, patch, patch),
            "conv3d": (d, channels, z["frames"], patch, patch) if self.kind == "conv3d" else (),
            "linear": (d, channels * patch * patch),
        }[self.kind]
        facts = (("patch", self.kind),)
        terms = [
            Term(
                at.name(self.patch + ".weight"),
                "weight",
                shape,
                "patch embedding: d_model outputs, each reading one patch of every channel",
                at.group,
                at.copies,
                at.role(self.patch, "patch embedding", block="patches", extras=facts),
            )
        ]
        if self.bias:
            terms.append(
                Term(
                    at.name(self.patch + ".bias"),
                    "bias",
                    (d,),
                    "patch embedding: one bias per output",
                    at.group,
                    at.copies,
                    at.role(self.patch + ".bias", "patch embedding bias", block="patches"),
                )
            )
        if self.class_token:
            terms.append(
                Term(
                    at.name(self.class_token),
                    "embedding",
                    (d,),
                    "class token: one learned d_model vector, read before the patches",
                    at.group,
                    at.copies,
                    at.role(self.class_token, "class token", block="patches",
                            extras=(("table", "class"),)),
                )
            )  # fmt: skip
        if self.positions:
            name = self.positions if self.bare_positions else self.positions + ".weight"
            terms.append(
                Term(
                    at.name(name),
                    "embedding",
                    (z["positions"], d),
                    "position embedding: one row of d_model numbers per position",
                    at.group,
                    at.copies,
                    at.role(
                        self.positions,
                        "position embedding",
                        block="patches",
                        extras=(
                            ("table", "position"),
                            ("class", "yes" if self.class_token else "no"),
                        ),
                    ),
                )
            )
        if self.norm:
            terms += layer_norm(at, self.norm, z, s, "embedding norm")
        return terms


@words("patches")
def _patch_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    table = role.extra("table")
    if table == "class":
        return (
            f"a learned {numbers[0]}-wide class token, put before the patches; the tower's "
            "summary of the image is read at its place"
        )
    if table == "position":
        rows, width = numbers
        image, patch = network.design.get("image"), network.design.get("patch")
        grid = (
            f"({image} / {patch})^2 patches"
            if isinstance(image, int) and isinstance(patch, int)
            else "one per patch"
        )
        extra = ", + 1 for the class token" if role.extra("class") == "yes" else ""
        return f"one {width}-wide vector for each of the {rows} positions ({grid}{extra})"
    if len(numbers) == 1:
        return f"one bias per output of the patch embedding ({numbers[0]})"
    kind = role.extra("patch")
    out = numbers[0]
    if kind == "linear":
        return (
            f"each of the {out} outputs reads a whole flattened patch ({numbers[1]} pixels "
            f"and channels): {out} rows of {numbers[1]}"
        )
    channels, *window = numbers[1:]
    pixels = " x ".join(str(n) for n in window)
    return (
        f"a convolution with a stride of its own size cuts the image into patches: each of "
        f"the {out} outputs reads {pixels} pixels of {channels} channels"
    )
