"""The words of a cause, in the formula's own names.

Example:
    >>> from fractions import Fraction
    >>> from explorer.explain._difference import Cause
    >>> shares = [Cause("missing", (), "", "", e, Fraction(0)) for e in ("di*nc*np", "-4*nc")]
    >>> sum_text(shares)
    'di*nc*np - 4*nc'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from explorer.explain._difference import Cause
from explorer.explain._frame import Frame
from explorer.explain._search import Candidate, Change

__all__ = ["alike", "sentence", "sum_text"]


def sentence(frame: Frame, term: Any, change: Change, names: tuple[str, ...], where: str) -> str:
    """One sentence: where, which terms with their shape, and what the formula did."""
    title = term.role.title or term.name
    head = f"{where}: {title}" if where else title
    shape = " x ".join(_dimension_text(frame, d) for d in term.shape)
    listed = ", ".join(names)
    if change.kind == "missing":
        each = " each" if len(names) > 1 else ""
        return f"{head} ({listed}; {shape}{each}) missing from the formula"
    if change.kind == "extra":
        return f"{head} ({listed}; {shape}) counted twice by the formula"
    if change.kind == "copies":
        return (
            f"{head} ({listed}; {shape}): counted {_times(frame, change.new)} where the "
            f"network has {_times(frame, change.old)}"
        )
    return f"{head} ({listed}; {shape}): {_substituted(frame, term, change)}"


def _substituted(frame: Frame, term: Any, change: Change) -> str:
    """``counted with ni where the network has np``; for what feeds a matrix, ``fed with
    ni + nr where the real input is np + nr (ni counted where the network has np)``."""
    new = frame.text(change.new)
    if change.index is None:
        return f"counted with {new} where the network has {frame.text(change.old)}"
    dim = term.shape[change.index]
    right = frame.text(dim)
    if change.whole:
        wrong, detail = new, ""
    else:
        wrong = frame.text(dim.xreplace({change.old: change.new}))
        old = frame.text(change.old)
        detail = f" ({new} counted where the network has {old})" if wrong != new else ""
    feeds = change.index == len(term.shape) - 1 and term.role.feeds
    if feeds:
        return f"fed with {wrong} where the real input is {right}{detail}"
    return f"counted with {wrong} where the network has {right}{detail}"


def _dimension_text(frame: Frame, dim: Any) -> str:
    text = frame.text(dim)
    return f"({text})" if dim.xreplace(frame.fixed).is_Add else text


def _times(frame: Frame, copies: Any) -> str:
    return "once" if copies == 1 else f"{frame.text(copies)} times"


def alike(
    members: list[Candidate],
    chosen: list[Candidate],
    candidates: list[Candidate],
    terms: Sequence[Any],
) -> str:
    """Terms of the same size as the ones a missing/extra cause names: the formula cannot
    tell them apart (``bias_ih`` or ``bias_hh``), so say so."""
    if members[0].change.kind not in ("missing", "extra"):
        return ""
    taken = {c.term for c in chosen}
    shares = [m.poly for m in members]
    same = [
        terms[c.term].name
        for c in candidates
        if c.change.kind == members[0].change.kind and c.term not in taken and c.poly in shares
    ]
    return f" (or, the same count, {', '.join(same)})" if same else ""


def sum_text(causes: Sequence[Cause]) -> str:
    """The causes' shares as one sum (kept apart: each share is one reason)."""
    text = ""
    for cause in causes:
        share = cause.expression
        if not text:
            text = share
        elif share.startswith("-"):
            text += f" - {share[1:]}"
        else:
            text += f" + {share}"
    return text
