"""Hypothesis strategies shared by the property tests: valid designs of every family."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from explorer import CONVENTIONS

FAMILY_NAMES = ("rnn", "lstm", "lstmp", "gru")
CONVENTION_NAMES = tuple(CONVENTIONS)

sizes = st.integers(min_value=1, max_value=5000)
small = st.integers(min_value=1, max_value=64)


@st.composite
def designs(draw: st.DrawFn, *, max_layers: int = 5, per_layer: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``explorer.count`` (family and convention included)."""
    family = draw(st.sampled_from(FAMILY_NAMES))
    convention = draw(st.sampled_from(CONVENTION_NAMES))
    layers = draw(st.integers(min_value=1, max_value=max_layers))
    design: dict[str, Any] = {"family": family, "convention": convention, "layers": layers}
    design["input"] = draw(sizes)
    listed = per_layer and draw(st.booleans())
    if listed:
        design["cells"] = draw(st.lists(st.integers(2, 5000), min_size=layers, max_size=layers))
    else:
        design["cells"] = draw(st.integers(2, 5000))
    if family in ("lstm", "lstmp") and (family == "lstmp" or draw(st.booleans())):
        # a projection smaller than the cells (PyTorch's rule applies under pytorch)
        cells = design["cells"] if listed else [design["cells"]] * layers
        projections = [draw(st.integers(1, c - 1)) for c in cells]
        design["proj"] = projections if listed else min(projections)
        if draw(st.booleans()):
            design["nonrec_proj"] = draw(small)
    if draw(st.booleans()):
        design["output"] = draw(sizes)
    if draw(st.booleans()):
        design["bidirectional"] = True
        design["merge"] = draw(st.sampled_from(("concat", "sum", "mul", "ave")))
    if draw(st.booleans()):
        design["vocab"] = draw(sizes)
    if draw(st.booleans()):
        design["bias"] = draw(st.sampled_from(("none", "single", "double")))
    if draw(st.booleans()):
        design["skip"] = draw(st.booleans())
    if family in ("lstm", "lstmp") and draw(st.booleans()):
        design["peepholes"] = draw(st.booleans())
    if family == "gru" and draw(st.booleans()):
        design["reset_after"] = draw(st.booleans())
    return design


def split(design: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(family, convention, sizes) from a drawn design."""
    rest = dict(design)
    return rest.pop("family"), rest.pop("convention"), rest
