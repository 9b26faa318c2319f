"""A lane: designs that name the same keywords and count without parsing.

A family may declare, for the keywords a request names, where each value goes: which
values fill the slots, which one picks the structure (the depth), and which must stay
below another. Every design in the lane whose sizes are all ints from 1 to
:data:`explorer.sizes.MAX_SIZE` is then valid and counts from the structure of its depth,
so the front door checks a few ints instead of parsing (:func:`explorer.count`).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Lane"]


class Lane(NamedTuple):
    """Where the values of a request naming ``keys`` (in that order) go.

    Contract (a property test holds the recurrent families to it): for any values of ``keys`` that
    are ints from 1 to ``MAX_SIZE`` with ``values[i] < values[j]`` for each ``(i, j)`` in
    ``below``, :meth:`explorer.families.Family.parse` accepts the design, its structure
    depends on ``values[depth]`` alone (on nothing when ``depth`` is ``None``), and its
    slot values are ``[values[i] for i in slots]``.

    Example:
        >>> from explorer import CONVENTIONS, FAMILIES
        >>> FAMILIES["lstmp"].lane(("input", "cells", "proj", "layers"), CONVENTIONS["pytorch"])
        Lane(slots=(0, 1, 2), depth=3, below=((2, 1),))
    """

    #: for each slot of the structure, the index of its value among the keys
    slots: tuple[int, ...]
    #: the index of the value that picks the structure; ``None``: one structure
    depth: int | None = None
    #: ``(i, j)``: the ``i``-th value must be below the ``j``-th
    below: tuple[tuple[int, int], ...] = ()
