"""What a search assumed that the user did not choose, shown with its result.

Example:
    >>> from searches.space import make_space
    >>> space_notes(make_space(families=("lstm",), input=39, output=34, convention="pytorch"))
    ()
    >>> space_notes(make_space(families=("lstm",)))[0]
    'convention pytorch (default; change with --convention)'
"""

from __future__ import annotations

from searches.space import Space, has_projection

__all__ = ["space_notes"]


def space_notes(space: Space) -> tuple[str, ...]:
    """The defaults a search over ``space`` took (convention, input, output, ratios)."""
    notes = []
    if space.convention is None:
        notes.append("convention pytorch (default; change with --convention)")
    if space.input is None:
        notes.append("input 39 (default; change with --input)")
    if space.output is None:
        notes.append("output 34 (default; change with --output, 0 for none)")
    if any(has_projection(f) for f in space.families):
        ratios = ",".join(str(r) for r in space.proj_ratios)
        notes.append(f"projection = cells // ratio, ratio in {ratios} (--proj-ratio)")
    return tuple(notes)
