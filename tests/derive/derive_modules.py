"""Small ``torch.nn`` modules that ``derive`` is tested on (torch imported when used).

Each class is built by ``derive`` from its dotted path, ``tests.derive.derive_modules.NAME``.
Only the constructors matter: nothing here is ever run forward.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("torch")  # without torch this module is skipped, not an error

import torch
from torch import nn

__all__ = [
    "Capped",
    "Exits",
    "NeedsArguments",
    "NotAModule",
    "Prints",
    "RoundedFeedForward",
    "ShapedParameters",
    "Sleeps",
    "TiedEmbedding",
    "WithBuffers",
    "shape_count",
]


class RoundedFeedForward(nn.Module):
    """A gated feed-forward block whose hidden size is rounded up to a multiple
    (LLaMA's rule: 8*dim/3 rounded up to ``multiple_of``): a period of 96 in ``dim``."""

    def __init__(self, dim: int, multiple_of: int = 256) -> None:
        super().__init__()
        hidden = multiple_of * -(-8 * dim // (3 * multiple_of))
        self.gate = nn.Linear(dim, hidden, bias=False)
        self.up = nn.Linear(dim, hidden, bias=False)
        self.down = nn.Linear(hidden, dim, bias=False)


def _dimension(text: str, sizes: dict[str, int]) -> int:
    """``2*a*b`` -> the product; factors are whole numbers or the names a, b, c."""
    product = 1
    for factor in text.split("*"):
        product *= int(factor) if factor.isdigit() else sizes[factor]
    return product


def shape_count(shapes: str, **sizes: int) -> int:
    """The number of parameters :class:`ShapedParameters` holds for these sizes."""
    total = 0
    for shape in shapes.split(";"):
        elements = 1
        for dimension in shape.split(","):
            elements *= _dimension(dimension, sizes)
        total += elements
    return total


class ShapedParameters(nn.Module):
    """Parameters whose shapes are products of the arguments, described by text:
    ``"a*b,c;2*a"`` holds an ``[a*b, c]`` and a ``[2*a]`` parameter."""

    def __init__(self, a: int = 1, b: int = 1, c: int = 1, shapes: str = "a") -> None:
        super().__init__()
        sizes = {"a": a, "b": b, "c": c}
        self.tensors = nn.ParameterList(
            nn.Parameter(torch.empty(*(_dimension(d, sizes) for d in shape.split(","))))
            for shape in shapes.split(";")
        )


class TiedEmbedding(nn.Module):
    """An embedding and an output layer sharing one weight (counted once), plus a bias."""

    def __init__(self, vocab: int, dim: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab)
        self.head.weight = self.embedding.weight


class WithBuffers(nn.Module):
    """A parameter of ``n`` and buffers of ``n*n`` and ``3`` (one of them not persistent)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.empty(n))
        self.register_buffer("table", torch.empty(n, n))
        self.register_buffer("steps", torch.empty(3), persistent=False)


class NeedsArguments(nn.Module):
    """A module with two required arguments."""

    def __init__(self, width: int, depth: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))


class NotAModule:
    """A class that is not a ``torch.nn.Module``."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


class Exits(nn.Module):
    """A module whose constructor ends the process (``sys.exit(code)``)."""

    def __init__(self, n: int, code: int = 3) -> None:
        super().__init__()
        import sys

        sys.exit(code)


class Sleeps(nn.Module):
    """A module whose constructor waits far longer than any build should."""

    def __init__(self, n: int) -> None:
        super().__init__()
        import time

        time.sleep(600)


class Prints(nn.Module):
    """A module whose constructor prints (a JSON answer on stdout must stay one object)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        print(f"building Prints({n})")
        self.weight = nn.Parameter(torch.empty(n, 2))


class Capped(nn.Module):
    """A module that builds up to ``width=100`` only (a threshold past the first values)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        if width > 100:
            raise ValueError(f"width {width} is above 100")
        self.weight = nn.Parameter(torch.empty(width, 3))
