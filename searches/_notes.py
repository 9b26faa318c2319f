"""What a search assumed that the user did not choose, shown with its result.

Example:
    >>> from searches.space import make_space
    >>> space_notes(make_space(families=("lstm",), input=39, output=34, convention="pytorch"))
    ()
    >>> space_notes(make_space(families=("lstm",)))[0]
    'convention pytorch (default; change with --convention)'
"""

from __future__ import annotations

import explorer
from searches.space import Space

__all__ = ["ASSUMED_SOURCES", "space_notes"]

#: Where the sizes a family states come from, by keyword (said with each assumption).
ASSUMED_SOURCES = {
    "input": "the forum question this project started from: 39 inputs, 34 outputs, 3 x "
    "1024 LSTM cells (explorer reproduce forum)",
    "output": "the same forum question",
}


def space_notes(space: Space) -> tuple[str, ...]:
    """The defaults a search over ``space`` took: conventions, sizes the families state,
    how ratio choices tie a size to the free one."""
    notes = []
    families = [explorer.FAMILIES[name] for name in space.families]
    if space.convention is None:
        defaults = sorted({f.default_convention for f in families})
        notes.append(f"convention {', '.join(defaults)} (default; change with --convention)")
    fixed = dict(space.fixed)
    for name in space.assumed:
        keyword = next(k for f in families if (k := f.keyword(name)) is not None)
        zero = ", 0 for none" if keyword.kind == "part" else ""
        source = ASSUMED_SOURCES.get(name)
        origin = f"default from {source}" if source else "default"
        notes.append(f"{name} {fixed[name]} ({origin}; change with {keyword.option}{zero})")
    for family_name, size, numerator, denominator in space.follows:
        free = space.free(family_name)
        notes.append(
            f"{family_name}: {size} follows {free}, {size} = {free} x {numerator} / "
            f"{denominator} (its own proportion; fix it with --{size.replace('_', '-')} N, "
            "or choose with a ratio option)"
        )
    for family in families:
        for declared in space.declared(family.name):
            if declared.kind == "ratio":
                values = ",".join(str(v) for v in space.values(declared.name))
                note = f"{declared.help}: {values} ({declared.option})"
                if note not in notes:
                    notes.append(note)
    return tuple(notes)
