"""Hypothesis strategies shared by the property tests: valid designs of every family.

A design starts from one of the family's declared examples; its sizes are scaled by one
common factor (which keeps their order, such as a projection below its cells) plus a
little noise, its depth redrawn where no per-layer list fixes it, and the convention and
its flags drawn from the family's kind. A design the family refuses is skipped by the
tests (``count`` returns ``None``), so the draws stay valid without knowing the rules.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import explorer
from explorer.conventions import conventions_of

FAMILY_NAMES = tuple(explorer.FAMILIES)


@st.composite
def designs(draw: st.DrawFn, *, max_layers: int = 5, per_layer: bool = True) -> dict[str, Any]:
    """Keyword arguments for ``explorer.count`` (family and convention included)."""
    family = explorer.FAMILIES[draw(st.sampled_from(FAMILY_NAMES))]
    examples = [
        e for e in family.examples if per_layer or not any(isinstance(v, list) for v in e.values())
    ]
    example = draw(st.sampled_from(examples))
    scale = draw(st.integers(min_value=1, max_value=40))
    design: dict[str, Any] = {
        "family": family.name,
        "convention": draw(st.sampled_from(tuple(conventions_of(family.kind)))),
    }
    lists = any(isinstance(v, list) for v in example.values())
    for name, value in example.items():
        keyword = family.keyword(name)
        if keyword is None or not keyword.is_size:
            design[name] = value
        elif name == family.depth:
            design[name] = value if lists else draw(st.integers(1, max_layers))
        elif isinstance(value, list):
            design[name] = [v * scale + draw(st.integers(0, scale - 1)) for v in value]
        else:
            design[name] = value * scale + draw(st.integers(0, scale - 1))
    if family.depth not in design and not lists:
        design[family.depth] = draw(st.integers(1, max_layers))
    for flag in family.flags:
        if draw(st.booleans()):
            choices = flag.choices or (False, True)
            design[flag.name] = draw(st.sampled_from(choices))
    return design


def split(design: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(family, convention, sizes) from a drawn design."""
    rest = dict(design)
    return rest.pop("family"), rest.pop("convention"), rest
