"""Where terms sit, in words, from their roles.

Example:
    >>> from explorer.algebra import EVERY, Role
    >>> every = {"0", "[1:L]"}
    >>> where([Role("weight_hp", "", "0"), Role("weight_hp", "", "[1:L]")], every)
    'every layer'
    >>> where([Role("q_proj", "", "*")], {"*", "0"}), where([Role("bias", "", "0")], {"*", "0"})
    ('every layer', 'layer 0')
"""

from __future__ import annotations

from collections.abc import Iterable

from explorer.algebra import EVERY, Role

__all__ = ["where"]


def where(roles: Iterable[Role], every: set[str]) -> str:
    """``layer 0``, ``layers after the first``, ``every layer``, or nothing (outside the
    layers). ``every`` is the set of layer labels of the network (``0``, ``1``, ``[1:L]``)."""
    layers = set()
    for role in roles:
        if not role.layer:
            return ""
        layers.add(role.layer)
    if layers == {EVERY} or (layers == every and len(every) > 1):
        return "every layer"  # one term standing for identical layers, or one per layer
    if layers == every - {"0"} and len(every) > 1:
        return "layers after the first"
    numbered = sorted(layers, key=lambda k: (len(k), k))
    return ("layer " if len(numbered) == 1 else "layers ") + ", ".join(numbered)
