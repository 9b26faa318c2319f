"""A recurrent design as PyTorch code: the constructor lines that build exactly it.

Only what ``torch.nn`` can express is emitted; anything else is refused with the reason,
never printed as code whose count would differ from the design's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from explorer.errors import ConflictError
from explorer.recurrent._structure import PER_LAYER, RecurrentStructure

__all__ = ["recurrent_torch_code"]


def recurrent_torch_code(
    name: str, torch_module: str, s: RecurrentStructure, sizes: Mapping[str, Any]
) -> str:
    """``import torch.nn as nn`` and the modules of the design, gathered in ``model`` (an
    ``nn.ModuleDict``: ``sum(p.numel() for p in model.parameters())`` is the count, a
    tied matrix once)."""
    refused = []
    if not torch_module:
        refused.append(f"torch.nn has no {name} layer")
    if s.peepholes:
        refused.append("peepholes (torch.nn.LSTM has none)")
    if s.skip:
        refused.append("skip connections")
    if s.nonrec:
        refused.append("a non-recurrent projection")
    if PER_LAYER in (s.cells, s.proj):
        refused.append("per-layer sizes (one torch module has one size for every layer)")
    if s.bias == "single":
        refused.append("one bias vector per gate set (torch has b_ih and b_hh, or none)")
    if s.bidirectional and s.merge != "concat":
        refused.append(f"merge {s.merge} (torch concatenates the two directions)")
    proj: Any = sizes.get("proj") or 0
    cells: Any = sizes["cells"]
    if s.proj and isinstance(proj, int) and isinstance(cells, int) and proj >= cells:
        refused.append(f"proj {proj} not below cells {cells} (torch needs proj_size < hidden_size)")
    if refused:
        raise ConflictError("PyTorch cannot build this design: " + "; ".join(refused))

    width = (proj if s.proj else cells) * (2 if s.bidirectional else 1)
    options = [f"num_layers={s.layers}"] if s.layers != 1 else []
    if s.proj:
        options.append(f"proj_size={proj}")
    if s.bias == "none":
        options.append("bias=False")
    if s.bidirectional:
        options.append("bidirectional=True")
    recurrent = ", ".join([str(sizes["input"]), str(cells), *options])
    lines = ["import torch.nn as nn", ""]
    modules = []
    if s.vocab:
        lines.append(f"embedding = nn.Embedding({sizes['vocab']}, {sizes['input']})")
        modules.append("embedding")
    lines.append(f"{name} = nn.{torch_module}({recurrent})")
    modules.append(name)
    if s.output:
        outputs = sizes["vocab"] if s.tied else sizes["output"]
        bias = "" if s.output_bias else ", bias=False"
        lines.append(f"output = nn.Linear({width}, {outputs}{bias})")
        if s.tied:
            lines.append("output.weight = embedding.weight  # tied: one matrix")
        modules.append("output")
    listed = ", ".join(f'"{name}": {name}' for name in modules)
    lines.append(f"model = nn.ModuleDict({{{listed}}})")
    return "\n".join(lines)
