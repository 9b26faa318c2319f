"""A model of your own for ``explorer derive`` (run from the source tree):

    explorer derive examples/net.py:Net --vary width,depth=1:12 --tie hidden=4*width

``derive`` builds ``Net(width=..., depth=..., hidden=...)`` on torch's meta device at chosen
points and fits its exact parameter count: ``depth`` residual MLP blocks of ``width``
features, each widened to ``hidden`` and back, between an input and an output layer.
"""

from __future__ import annotations

import torch
from torch import nn


class Block(nn.Module):
    """A pre-norm residual MLP block: LayerNorm, width -> hidden -> width."""

    def __init__(self, width: int, hidden: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.up = nn.Linear(width, hidden)
        self.down = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.down(torch.relu(self.up(self.norm(x))))


class Net(nn.Module):
    """``depth`` blocks of ``width`` features between 32 inputs and 10 classes."""

    def __init__(self, width: int = 64, depth: int = 2, hidden: int = 256) -> None:
        super().__init__()
        self.embed = nn.Linear(32, width)
        self.blocks = nn.ModuleList(Block(width, hidden) for _ in range(depth))
        self.head = nn.Linear(width, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.embed(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)
