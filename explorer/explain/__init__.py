"""Explain a count in words, term by term; name what a formula someone wrote gets wrong.

:func:`explain` takes a count (an :class:`explorer.Count`, or anything with the same
attributes, such as a spec's count) and returns, for every term, its arithmetic with the
actual numbers and the reason for its shape: which inputs feed it, why there are two bias
vectors, why layers above the first are wider. :func:`compare_formula` reads a formula
with the safe parser (:mod:`explorer.expressions`, never ``eval``), maps its names to
sizes, and splits ``true - formula`` into the terms that account for it. Both return data;
the CLI (``explorer explain``) renders it.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3)
    >>> term = explain(c).terms[4]
    >>> print(term.title, term.arithmetic, term.count)
    layer 2 input-to-gates 4 x 1024 x 1024 4194304
    >>> print(term.why)
    each of the 4 gates (i, f, g, o) of the 1024 cells sees the 1024 outputs of layer 1
    >>> cmp = compare_formula("lstm", "4*nc*(ni + nc)", convention="keras", input=39, cells=1024)
    >>> cmp.difference, [c.kind for c in cmp.causes]
    ('4*nc', ['missing'])

The modules, one concept each: ``_protocols`` (what a count must offer), ``_roles`` (what
a term's name says), ``_arithmetic`` (a term's numbers), ``_prose`` (why each term has its
size), ``_explanation`` (:func:`explain`); ``_names`` (a formula's names, ``--map``),
``_formula`` (the safe reading and its bounds), ``_frame`` (the sizes as sympy symbols and
as a sparse polynomial ring), ``_search`` (the fewest changes that add up to the
difference), ``_find_causes`` and ``_sentences`` (the changes tried, and their words),
``_difference`` and ``_compare`` (:class:`Cause`, :func:`compare_formula`).
"""

from __future__ import annotations

from explorer.explain._compare import FormulaComparison, compare_formula
from explorer.explain._difference import Cause
from explorer.explain._difference import CauseKind as CauseKind
from explorer.explain._explanation import (
    Explanation,
    GroupExplanation,
    TermExplanation,
    explain,
)
from explorer.explain._formula import MAX_BITS as MAX_BITS
from explorer.explain._formula import MAX_DEGREE as MAX_DEGREE
from explorer.explain._names import guess_keyword, parse_mapping, size_keywords
from explorer.explain._protocols import CompiledLike as CompiledLike
from explorer.explain._protocols import CountLike
from explorer.explain._protocols import TermInfoLike as TermInfoLike
from explorer.explain._search import MAX_CAUSES as MAX_CAUSES

__all__ = [
    "Cause",
    "CountLike",
    "Explanation",
    "FormulaComparison",
    "GroupExplanation",
    "TermExplanation",
    "compare_formula",
    "explain",
    "guess_keyword",
    "parse_mapping",
    "size_keywords",
]
