"""The FLOP approximations people use, beside the exact count: the comparison made by hand.

- ``2N`` per token for a forward pass and ``6N`` per token for a training step, ``N`` the
  parameters a token uses (all of them; a mixture of experts: the active ones).
- Kaplan et al. 2020 (Table 1): ``2N + 2 n_layer n_ctx d_attn`` per token for a forward
  pass, ``N`` the non-embedding parameters, ``n_ctx`` the context (here ``seq``) and
  ``d_attn`` the attention's width (heads x head width); for a stack of one kind of layer
  (not an encoder-decoder).

Each is multiplied by the tokens of the pass (``seq`` x ``batch``) and set beside the exact
count it approximates, with the difference.

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", seq=1024)
    >>> for a in approximations(c):
    ...     print(f"{a.name}: {a.flops:,} against {a.exact:,} ({a.relative:+.1%})")
    2N per token: 254,852,726,784 against 291,648,307,200 (-12.6%)
    6N per training token: 764,558,180,352 against 874,944,921,600 (-12.6%)
    Kaplan 2N + 2 n_layer n_ctx d_attn: 193,522,040,832 against 291,648,307,200 (-33.6%)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from explorer.algebra import Count

__all__ = ["Approximation", "approximations"]


@dataclass(frozen=True, slots=True)
class Approximation:
    """One approximation of a count's FLOPs.

    Attributes:
        name: how people say it (``2N per token``).
        pass_: ``forward`` or ``training``: the exact figure it is set beside.
        flops: the approximation for this pass's tokens.
        exact: the exact FLOPs it approximates.
        terms: the numbers put in (``N``, ``tokens``, ``n_layer`` ...).
    """

    name: str
    pass_: str
    flops: int
    exact: int
    terms: tuple[tuple[str, int], ...]

    @property
    def relative(self) -> float:
        """(approximation - exact) / exact: how far off the approximation is."""
        return (self.flops - self.exact) / self.exact if self.exact else 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "name": self.name,
            "pass": self.pass_,
            "flops": self.flops,
            "exact": self.exact,
            "relative_difference": self.relative,
            "terms": dict(self.terms),
        }


def approximations(count: Count) -> tuple[Approximation, ...]:
    """The usual approximations of a count's forward and training FLOPs (it must have been
    counted with ``seq``)."""
    extents = dict(count.extents)
    tokens = extents["seq"] * extents.get("batch", 1)
    used = count.active
    forward, training = count.flops, count.training_flops
    found = [
        Approximation(
            "2N per token", "forward", 2 * used * tokens, forward, (("N", used), ("tokens", tokens))
        ),
        Approximation(
            "6N per training token",
            "training",
            6 * used * tokens,
            training,
            (("N", used), ("tokens", tokens)),
        ),
    ]
    kaplan = _kaplan(count, tokens, extents["seq"])
    if kaplan is not None:
        found.append(kaplan)
    return tuple(found)


def _kaplan(count: Count, tokens: int, context: int) -> Approximation | None:
    """Kaplan et al. 2020's forward FLOPs, for a transformer of one stack."""
    family = count.family
    if getattr(family, "kind", None) != "transformer" or getattr(family, "encoder_decoder", False):
        return None
    sizes = count.sizes
    layers, width, heads = sizes.get("layers"), sizes.get("d_model"), sizes.get("heads")
    if not (isinstance(layers, int) and isinstance(width, int) and isinstance(heads, int)):
        return None
    head_width: int = sizes.get("head_dim") or width // heads
    attention = heads * head_width
    non_embedding = count.active - count.embedding
    per_token = 2 * non_embedding + 2 * layers * context * attention
    return Approximation(
        "Kaplan 2N + 2 n_layer n_ctx d_attn",
        "forward",
        per_token * tokens,
        count.flops,
        (
            ("N", non_embedding),
            ("n_layer", layers),
            ("n_ctx", context),
            ("d_attn", attention),
            ("tokens", tokens),
        ),
    )
