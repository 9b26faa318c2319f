"""Named counting conventions (data) and the lookup that applies user overrides.

Example:
    >>> from explorer.conventions import resolve_convention
    >>> resolve_convention("pytorch", bias="single").bias
    'single'
"""

from __future__ import annotations

from explorer.conventions._convention import BIASES, FLAGS, Bias, Convention
from explorer.conventions._presets import CONVENTIONS
from explorer.errors import UnknownNameError, UsageError

__all__ = ["BIASES", "CONVENTIONS", "FLAGS", "Bias", "Convention", "resolve_convention"]


def resolve_convention(convention: str | Convention, **overrides: object) -> Convention:
    """Look a preset up by name (or take a Convention) and apply per-flag overrides.

    ``None`` overrides mean "keep the preset's value".
    """
    if not overrides and type(convention) is str and convention in CONVENTIONS:
        return CONVENTIONS[convention]
    if isinstance(convention, Convention):
        base = convention
    else:
        try:
            base = CONVENTIONS[convention]
        except (KeyError, TypeError):
            raise UnknownNameError.for_name("convention", convention, CONVENTIONS) from None
    for flag, value in overrides.items():
        if value is None:
            continue
        if flag == "bias":
            if value not in BIASES:
                raise UnknownNameError.for_name("bias", value, BIASES)
        elif not isinstance(value, bool):
            raise UsageError(f"{flag} must be true or false, got {value!r}")
    return base.with_overrides(**overrides)
