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
"""

from __future__ import annotations

import ast
import dataclasses
import keyword
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, Protocol

from explorer.count._names import SYMBOL_NAMES
from explorer.errors import FormulaError, UsageError
from explorer.expressions import MAX_LENGTH, Expression, parse_expression

if TYPE_CHECKING:
    from explorer.count import Count

__all__ = [
    "KEYWORDS",
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
]

KEYWORDS: tuple[str, ...] = ("input", "cells", "layers", "output", "proj", "nonrec_proj", "vocab")
"""The sizes a formula's names can stand for (``--map nc=cells``)."""

MAX_DEGREE = 12
"""A parameter count is a polynomial of low degree; higher is refused before expanding."""
MAX_BITS = 10_000
"""Values (numerator and denominator) beyond ~3,000 digits are refused before computing."""
MAX_CAUSES = 6
_SEARCH_BUDGET = 20_000

_GUESSES: dict[str, tuple[str, ...]] = {
    "input": ("ni", "n_i", "input", "inputs", "input_size", "inp", "n_in", "d_in", "m", "x"),
    "cells": (
        "nc",
        "n_c",
        "cells",
        "cell",
        "hidden",
        "hidden_size",
        "units",
        "nh",
        "n_h",
        "h",
        "n",
    ),
    "proj": ("nr", "n_r", "r", "proj", "proj_size", "rec_proj"),
    "nonrec_proj": ("np", "n_p", "p", "nonrec_proj", "nonrec"),
    "output": ("no", "n_o", "output", "outputs", "output_size", "out", "n_out", "o", "y"),
    "layers": ("L", "layers", "num_layers", "n_layers", "di", "depth", "nl", "n_l"),
    "vocab": ("V", "vocab", "vocab_size", "nv", "n_v"),
}
_GUESS = {name.lower(): key for key, names in _GUESSES.items() for name in names}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_LAYER_TERM = re.compile(
    r"(?P<role>weight_ih|weight_hh|weight_hr|weight_hp|weight_peephole|weight_skip|"
    r"bias_ih|bias_hh|bias)_l(?P<layer>\d+|\[1:L\])(?P<reverse>_reverse)?$"
)
_GATES = re.compile(r"(\d+) gates(?: \(([^)]*)\))?")
_ROLE_TITLES = {
    "weight_ih": "input-to-gates",
    "weight_hh": "hidden-to-gates",
    "weight_hr": "recurrent projection",
    "weight_hp": "non-recurrent projection",
    "weight_peephole": "peepholes",
    "weight_skip": "skip connection from the input",
    "bias_ih": "input-side biases",
    "bias_hh": "recurrent-side biases",
    "bias": "gate biases",
    "embedding.weight": "embedding table",
    "output.weight": "output weights",
    "output.bias": "output biases",
}


# -- what a count must offer ------------------------------------------------------------------
class TermInfoLike(Protocol):
    """What :func:`explain` reads of a term (:class:`explorer.count.TermInfo`)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def meaning(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def shape_text(self) -> tuple[str, ...]: ...
    @property
    def copies_text(self) -> str: ...


class CompiledLike(Protocol):
    """The ``compiled`` side of a count: its terms in order."""

    @property
    def terms(self) -> Sequence[TermInfoLike]: ...


class CountLike(Protocol):
    """Anything :func:`explain` can explain: an :class:`explorer.Count`, a spec's count.

    Optional extras, read when present: ``compiled.slots`` (the sizes' names without
    building sympy), ``title`` (else ``family.name`` and ``convention.name``) and ``sizes``
    (shown, and ``tied``/``merge`` explained).
    """

    @property
    def compiled(self) -> CompiledLike: ...
    @property
    def breakdown(self) -> Mapping[str, int]: ...
    @property
    def shapes(self) -> Mapping[str, tuple[int, ...]]: ...
    @property
    def subtotals(self) -> Mapping[str, int]: ...
    @property
    def total(self) -> int: ...
    @property
    def symbols(self) -> Sequence[Any]: ...
    @property
    def values(self) -> Sequence[int | None]: ...


# -- explanations -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TermExplanation:
    """One term told in words.

    Attributes:
        title: what it is, ``layer 2 input-to-gates``.
        arithmetic: the product with the actual numbers, ``4 x 1024 x (256 + 256)``; a
            leading ``(3 - 1)`` is the number of copies when the depth is a symbol.
        why: which inputs feed it and why it has that shape.
    """

    name: str
    kind: str
    group: str
    title: str
    shape: tuple[str, ...]
    copies: str
    numbers: tuple[int, ...]
    arithmetic: str
    count: int
    why: str

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "name": self.name,
            "kind": self.kind,
            "group": self.group,
            "title": self.title,
            "shape": list(self.shape),
            "copies": self.copies,
            "numbers": list(self.numbers),
            "arithmetic": self.arithmetic,
            "count": self.count,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class GroupExplanation:
    """The terms of one group (``layer 0``, ``output`` ...) and their subtotal."""

    name: str
    terms: tuple[TermExplanation, ...]
    subtotal: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """A count told term by term: groups with subtotals, then the total."""

    title: str
    sizes: tuple[tuple[str, Any], ...]
    groups: tuple[GroupExplanation, ...]
    total: int

    @property
    def terms(self) -> tuple[TermExplanation, ...]:
        """Every term, in order."""
        return tuple(t for g in self.groups for t in g.terms)

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready object."""
        return {
            "title": self.title,
            "sizes": dict(self.sizes),
            "terms": [t.to_json() for t in self.terms],
            "subtotals": {g.name: g.subtotal for g in self.groups},
            "total": self.total,
        }


def explain(count: CountLike) -> Explanation:
    """Every term of a count with its arithmetic and its reason, subtotals and total.

    Args:
        count: an :class:`explorer.Count` with every size given, or any object with the
            attributes of :class:`CountLike` (a spec's count).

    Example:
        >>> import explorer
        >>> c = explorer.count("gru", convention="pytorch", input=10, cells=20)
        >>> [(t.name, t.count) for t in explain(c).terms][:3]
        [('weight_ih_l0', 600), ('weight_hh_l0', 1200), ('bias_ih_l0', 60)]
        >>> explain(c).terms[3].why  # doctest: +ELLIPSIS
        'the second bias vector, on the recurrent side (b_hh): ...'
    """
    breakdown, shapes = count.breakdown, count.shapes
    values = {s: v for s, v in zip(_symbol_names(count), count.values) if v is not None}
    infos = list(count.compiled.terms)
    context = _Context.of(count, infos)
    groups: dict[str, list[TermExplanation]] = {}
    for info in infos:
        term = _explain_term(info, breakdown[info.name], shapes[info.name], values, context)
        groups.setdefault(info.group, []).append(term)
    subtotals = count.subtotals
    sizes = getattr(count, "sizes", None) or {}
    return Explanation(
        title=_title(count),
        sizes=tuple((k, v) for k, v in sizes.items() if v is not None),
        groups=tuple(GroupExplanation(g, tuple(ts), subtotals[g]) for g, ts in groups.items()),
        total=count.total,
    )


def _symbol_names(count: CountLike) -> list[str]:
    """The names of the sizes, in the order of ``values``: from the compiled slots when the
    count has them (no sympy needed), else from its sympy symbols."""
    slots = getattr(count.compiled, "slots", None)
    if slots is not None:
        return [str(slot.symbol) for slot in slots]
    return [str(s) for s in count.symbols]


def _title(count: object) -> str:
    title = getattr(count, "title", None)
    if isinstance(title, str):
        return title
    family = getattr(getattr(count, "family", None), "name", "count")
    convention = getattr(getattr(count, "convention", None), "name", None)
    return f"{family} (convention {convention})" if convention else str(family)


@dataclass(frozen=True, slots=True)
class _Context:
    """Facts about the whole network that a term's reason needs (per part of a spec)."""

    names: frozenset[str]
    tied: bool
    merge: str

    @classmethod
    def of(cls, count: object, infos: Sequence[TermInfoLike]) -> _Context:
        sizes = getattr(count, "sizes", None) or {}
        return cls(
            names=frozenset(i.name for i in infos),
            tied=bool(sizes.get("tied")),
            merge=str(sizes.get("merge") or "concat"),
        )

    def has(self, prefix: str, pattern: str) -> bool:
        """Whether a term of this part matches ``pattern`` (a regex on the rest of its name)."""
        rule = re.compile(re.escape(prefix) + pattern + r"\Z")
        return any(rule.match(n) for n in self.names)

    def last_layer(self, prefix: str) -> str:
        layers = {
            m["layer"]
            for n in self.names
            if n.startswith(prefix) and (m := _LAYER_TERM.search(n[len(prefix) :]))
        }
        if "[1:L]" in layers:
            return "layer L-1"
        numbered = [int(k) for k in layers]
        return f"layer {max(numbered)}" if numbered else "the last layer"


def _explain_term(
    info: TermInfoLike,
    count: int,
    numbers: tuple[int, ...],
    values: Mapping[str, int],
    context: _Context,
) -> TermExplanation:
    dims = [_dimension(text, n, values) for text, n in zip(info.shape_text, numbers)]
    size = math.prod(numbers)
    copies = count // size if size else 1
    factors = [d.factor for d in dims]
    if info.copies_text != "1" or copies != 1:
        factors.insert(0, _copies_text(info.copies_text, copies, values))
    if copies * size != count:  # a count object that disagrees with itself: a bug upstream
        raise AssertionError(f"{info.name}: {copies} x {numbers} != {count}")
    title, why = _words(info, numbers, dims, context)
    return TermExplanation(
        name=info.name,
        kind=info.kind,
        group=info.group,
        title=title,
        shape=tuple(info.shape_text),
        copies=info.copies_text,
        numbers=tuple(numbers),
        arithmetic=" x ".join(factors) or "1",
        count=count,
        why=why,
    )


@dataclass(frozen=True, slots=True)
class _Dimension:
    """One dimension of a shape: its symbolic text, number, and how to show it."""

    text: str
    number: int
    shown: str  # 256 + 256, 4 x 1024, 1024
    is_sum: bool

    @property
    def factor(self) -> str:
        return f"({self.shown})" if self.is_sum else self.shown

    @property
    def names(self) -> set[str]:
        return {re.sub(r"\d+$", "", n) for n in _IDENTIFIER.findall(self.text)}

    @property
    def doubled(self) -> bool:
        return self.text.startswith("2*")


def _dimension(text: str, number: int, values: Mapping[str, int]) -> _Dimension:
    """Show a dimension with the actual numbers (``4*n_c`` -> ``4 x 1024``)."""
    try:
        expression = parse_expression(text, values)
        if expression.evaluate(values) == number:
            tree = expression.tree
            is_sum = isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Add | ast.Sub)
            return _Dimension(text, number, _numbers(tree, values), is_sum)
    except (FormulaError, KeyError):
        pass  # names the values do not cover (a spec's parts): show the number
    constant = re.match(r"(\d+)\*", text)
    if constant and int(constant[1]) > 1 and number % int(constant[1]) == 0:
        c = int(constant[1])
        return _Dimension(text, number, f"{c} x {number // c}", is_sum=False)
    return _Dimension(text, number, str(number), is_sum=False)


def _copies_text(text: str, copies: int, values: Mapping[str, int]) -> str:
    try:
        expression = parse_expression(text, values)
        if expression.evaluate(values) == copies:
            return f"({_numbers(expression.tree, values)})"
    except (FormulaError, KeyError):
        pass
    return str(copies)


def _numbers(node: ast.expr, values: Mapping[str, int]) -> str:
    """A checked expression tree with the names replaced by their values."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name):
        return str(values[node.id])
    if isinstance(node, ast.UnaryOp):
        return f"-{_numbers(node.operand, values)}"
    if isinstance(node, ast.BinOp):
        left, right = _numbers(node.left, values), _numbers(node.right, values)
        if isinstance(node.op, ast.Add | ast.Sub):
            sign = "+" if isinstance(node.op, ast.Add) else "-"
            if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Add | ast.Sub):
                right = f"({right})"
            return f"{left} {sign} {right}"
        sums = (ast.Add, ast.Sub)
        if isinstance(node.left, ast.BinOp) and isinstance(node.left.op, sums):
            left = f"({left})"
        if isinstance(node.right, ast.BinOp) and isinstance(node.right.op, sums):
            right = f"({right})"
        op = {ast.Mult: "x", ast.Div: "/", ast.Pow: "**"}.get(type(node.op), "?")
        return f"{left} {op} {right}"
    raise FormulaError(f"cannot show {ast.dump(node)}")  # unreachable after the parser's check


def _words(
    info: TermInfoLike, numbers: tuple[int, ...], dims: list[_Dimension], context: _Context
) -> tuple[str, str]:
    """The title and the reason of a term, from its name, shape and the network."""
    name = info.name
    layer_term = _LAYER_TERM.search(name)
    if layer_term:
        prefix = name[: layer_term.start()]
        layer, reverse = layer_term["layer"], bool(layer_term["reverse"])
        where = "layers 1..L-1" if layer == "[1:L]" else f"layer {layer}"
        where += " (reverse)" if reverse else ""
        role = layer_term["role"]
        title = f"{where} {_ROLE_TITLES[role]}"
        reason = _layer_reason(
            role, layer=layer, prefix=prefix, info=info, numbers=numbers, dims=dims, context=context
        )
        return title, reason
    for tail in ("embedding.weight", "output.weight", "output.bias"):
        if name.endswith(tail):
            prefix = name[: -len(tail)]
            return _ROLE_TITLES[tail], _dense_reason(tail, prefix, numbers, dims, context)
    meaning = info.meaning.split(": ", 1)[-1]
    return info.meaning.split(": ", 1)[0] if ": " in info.meaning else name, meaning


def _gates(info: TermInfoLike, rows: _Dimension) -> tuple[int, str, int]:
    """Gates, their letters (`` (i, f, g, o)``) and cells: the gates are the constant
    factor of the rows (``4*n_c``), the letters come from the meaning when it has them."""
    constant = re.match(r"(\d+)\*", rows.text)
    gates = int(constant[1]) if constant else 1
    found = _GATES.search(info.meaning)
    letters = f" ({found[2]})" if found and found[2] and int(found[1]) == gates else ""
    return gates, letters, rows.number // gates


def _layer_reason(
    role: str,
    *,
    layer: str,
    prefix: str,
    info: TermInfoLike,
    numbers: tuple[int, ...],
    dims: list[_Dimension],
    context: _Context,
) -> str:
    gates, letters, cells = _gates(info, dims[0])
    if role in ("weight_ih", "weight_skip"):
        seen = _layer_input(layer, prefix, dims[1], context)
        if role == "weight_skip":
            return (
                f"{_each(gates, '', cells)} also sees the {numbers[1]} network inputs directly: "
                "a skip connection from the input to every layer above the first (Graves 2013)"
            )
        return f"{_each(gates, letters, cells)} sees {seen}"
    if role == "weight_hh":
        if "n_r" in dims[1].names:
            own = f"the layer's own {numbers[1]}-wide recurrent projection"
        else:
            own = f"the layer's own {numbers[1]} outputs"
        return f"{_each(gates, '', cells)} sees {own} from the previous step"
    if role == "weight_hr":
        return (
            f"the {numbers[1]} cell outputs are projected to {numbers[0]} numbers, fed back to "
            "the gates at the next step and handed on"
        )
    if role == "weight_hp":
        return (
            f"the {numbers[1]} cell outputs are also projected to {numbers[0]} numbers that only "
            "feed forward (to the layer above or the output), never back (Sak et al. 2014)"
        )
    if role == "weight_peephole":
        return (
            f"each of the {numbers[1]} cells has {numbers[0]} peepholes: its cell state feeds "
            "the input, forget and output gates through one diagonal weight each"
        )
    if role == "bias_ih":
        return (
            f"{_per_gate(gates, cells)} on the input side (b_ih); the convention keeps a "
            "second vector on the recurrent side, so biases count twice"
        )
    if role == "bias_hh":
        return (
            f"the second bias vector, on the recurrent side (b_hh): {gates * cells} more, as "
            "PyTorch (and the reset_after GRU) keep one bias for each side"
        )
    return f"{_per_gate(gates, cells)}, a single vector"


def _each(gates: int, letters: str, cells: int) -> str:
    """``each of the 4 gates (i, f, g, o) of the 1024 cells``; one gate: ``each of the 2 cells``."""
    if gates == 1:
        return f"each of the {cells} cells"
    return f"each of the {gates} gates{letters} of the {cells} cells"


def _per_gate(gates: int, cells: int) -> str:
    if gates == 1:
        return f"one bias per cell ({cells})"
    return f"one bias per gate per cell ({gates} x {cells})"


def _layer_input(layer: str, prefix: str, width: _Dimension, context: _Context) -> str:
    """What feeds a layer: the network input, the embedding, or the layer below."""
    if layer == "0":
        if context.has(prefix, r"embedding\.weight"):
            return f"the {width.number}-wide embedding of each token"
        return f"the {width.number} inputs of the network"
    below = "the layer below" if layer == "[1:L]" else f"layer {int(layer) - 1}"
    return f"the {width.number} outputs of {below}{_width_detail(width, prefix, context)}"


def _width_detail(width: _Dimension, prefix: str, context: _Context) -> str:
    """Why a width handed on is what it is: projections, both directions."""
    parts = []
    bidirectional = context.has(prefix, r".*_reverse")
    if bidirectional and width.doubled:
        parts.append("both directions concatenated")
    elif bidirectional:
        parts.append(f"the two directions merged by {context.merge}")
    whose = "their" if bidirectional else "its"
    if {"n_r", "n_p"} <= width.names:  # in the order the sum is shown
        first = (
            "recurrent" if width.text.index("n_r") < width.text.index("n_p") else "non-recurrent"
        )
        second = "non-recurrent" if first == "recurrent" else "recurrent"
        parts.append(f"{whose} {first} and {second} projections")
    elif "n_r" in width.names:
        parts.append(
            f"{whose} recurrent projections" if bidirectional else "its recurrent projection"
        )
    if not parts:
        return ""
    shown = f": {width.shown}" if width.shown != str(width.number) else ""
    return f" ({', '.join(parts)}{shown})"


def _dense_reason(
    tail: str, prefix: str, numbers: tuple[int, ...], dims: list[_Dimension], context: _Context
) -> str:
    tied = context.tied
    if tail == "embedding.weight":
        shared = "; the output layer shares this matrix (tied), so it is counted once, here"
        return (
            f"one row of {numbers[1]} numbers (the input size) for each of the {numbers[0]} "
            f"tokens{shared if tied else ''}"
        )
    if tail == "output.bias":
        note = (
            "; its weights are the embedding matrix (tied), counted once in embedding.weight"
            if tied
            else ""
        )
        return f"one bias for each of the {numbers[0]} outputs{note}"
    width = dims[1]
    if context.has(prefix, r"weight_skip_.*"):
        source = (
            f"every layer ({width.shown}: skip connections from every layer to the output, "
            "Graves 2013)"
        )
    else:
        last = context.last_layer(prefix)
        detail = _width_detail(width, prefix, context)
        source = f"the last layer, {last}{detail}"
    return f"each of the {numbers[0]} outputs sees the {width.number} outputs of {source}"


# -- formulas ---------------------------------------------------------------------------------
def guess_keyword(name: str) -> str | None:
    """The size a formula's name most likely stands for, or ``None``.

    Example:
        >>> guess_keyword("nc"), guess_keyword("di"), guess_keyword("hidden"), guess_keyword("q")
        ('cells', 'layers', 'cells', None)
    """
    return _GUESS.get(name.lower())


def parse_mapping(text: str) -> dict[str, str]:
    """``nc=cells,ni=input`` as a dict (dashes in keywords allowed: ``np=nonrec-proj``).

    Example:
        >>> parse_mapping("nc=cells, np=nonrec-proj")
        {'nc': 'cells', 'np': 'nonrec_proj'}
    """
    mapping: dict[str, str] = {}
    for item in text.split(","):
        name, equals, target = (part.strip() for part in item.partition("="))
        if not equals or not name or not target:
            raise UsageError(
                f"--map must look like nc=cells,ni=input, got {_short(item.strip() or text)!r}"
            )
        _check_name(name)
        target = target.replace("-", "_")
        if target not in KEYWORDS:
            from explorer.errors import UnknownNameError

            raise UnknownNameError.for_name("size keyword", _short(target), KEYWORDS)
        if name in mapping:
            raise UsageError(f"--map names {name!r} twice")
        mapping[name] = target
    return mapping


def _check_name(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise UsageError(
            f"--map: {_short(name)!r} is not a usable name (letters, digits and _, "
            "not starting with _ or a digit)"
        )


def _listed(names: list[str]) -> str:
    """``foo stands``, ``foo, bar stand``."""
    return ", ".join(map(_short, names)) + (" stands" if len(names) == 1 else " stand")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


CauseKind = Literal["missing", "extra", "substituted", "copies", "unexplained"]


@dataclass(frozen=True, slots=True)
class Cause:
    """One reason why a formula differs from the count.

    Attributes:
        kind: ``missing`` (terms the formula leaves out), ``extra`` (terms counted twice),
            ``substituted`` (terms counted with one size where the network has another),
            ``copies`` (terms counted for the wrong number of layers), ``unexplained``.
        terms: the true terms involved.
        text: one sentence, in the formula's own names.
        why: the network's reason for those terms (empty when unexplained).
        expression: its share of ``true - formula``, in the formula's names.
        value: that share for the given sizes.
    """

    kind: CauseKind
    terms: tuple[str, ...]
    text: str
    why: str
    expression: str
    value: Fraction

    def to_json(self) -> dict[str, Any]:
        """Plain data (a non-integer value as a ``"p/q"`` string)."""
        return {
            "kind": self.kind,
            "terms": list(self.terms),
            "text": self.text,
            "why": self.why,
            "expression": self.expression,
            "value": _json_number(self.value),
        }


@dataclass(frozen=True, slots=True)
class FormulaComparison:
    """A formula someone wrote against the true count, and the causes of the difference.

    ``difference`` is ``true - formula`` in the formula's names, written as the sum of the
    causes' shares; ``difference_expanded`` is the same polynomial expanded.
    """

    formula: str
    title: str
    mapping: tuple[tuple[str, str], ...]
    guessed: bool
    sizes: tuple[tuple[str, int], ...]
    formula_value: Fraction
    true_value: int
    true_formula: str
    difference: str
    difference_expanded: str
    causes: tuple[Cause, ...]
    note: str = ""

    @property
    def difference_value(self) -> Fraction:
        """``true - formula`` for the given sizes."""
        return self.true_value - self.formula_value

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready object."""
        return {
            "formula": self.formula,
            "title": self.title,
            "mapping": dict(self.mapping),
            "guessed": self.guessed,
            "sizes": dict(self.sizes),
            "formula_value": _json_number(self.formula_value),
            "true_value": self.true_value,
            "true_formula": self.true_formula,
            "difference": self.difference,
            "difference_expanded": self.difference_expanded,
            "difference_value": _json_number(self.difference_value),
            "causes": [c.to_json() for c in self.causes],
            "note": self.note,
        }


def _json_number(value: Fraction) -> int | str:
    return int(value) if value.denominator == 1 else str(value)


def compare_formula(
    family: str,
    text: str,
    *,
    convention: str = "pytorch",
    mapping: Mapping[str, str] | None = None,
    **sizes: Any,
) -> FormulaComparison:
    """Evaluate a formula, compare it with the true count, and name the causes.

    Args:
        family: the family the formula claims to count.
        text: the formula; only numbers, names, ``+ - * / **`` and parentheses.
        convention: the convention of the true count.
        mapping: formula name -> size keyword (``{"nc": "cells"}``); without it, the names
            are guessed (``nc``, ``hidden``, ``h`` -> cells; ``di``, ``L`` -> layers ...).
        **sizes: the design, as for :func:`explorer.count`; the sizes the formula names are
            left symbolic for the comparison and used for the numbers.

    Raises:
        FormulaError: the formula is refused (anything but arithmetic, too large).
        UsageError: names that cannot be mapped, sizes missing for the numbers.

    Example:
        >>> cmp = compare_formula("rnn", "h*(x + h)", convention="keras", input=3, cells=2)
        >>> cmp.formula_value, cmp.true_value, cmp.difference
        (Fraction(10, 1), 12, 'h')
        >>> print(cmp.causes[0].text)
        layer 0: gate biases (bias_l0; h) missing from the formula
    """
    from explorer._api import formula as symbolic_formula

    expression = _parse(text)
    names, guessed = _resolve_names(expression, mapping)
    values = _sizes_for(names, sizes)
    _check_magnitude(expression, values)
    design = dict(sizes)
    if not any(isinstance(v, list) for v in design.values()):
        design.setdefault("layers", 1)  # as for explorer.count; symbolic only when named
    for key in names.values():
        if key in ("input", "cells", "layers"):
            design.pop(key, None)
        else:
            design[key] = True
    true = symbolic_formula(family, convention=convention, **design)
    slot_values = _bind(true, names, values)
    bound = dataclasses.replace(true, values=slot_values)
    return _Comparison(
        expression=expression, names=names, guessed=guessed, values=values, true=true, bound=bound
    ).build()


def _parse(text: str) -> Expression:
    """The safe parser, told that every plain name of the text is a name (it still refuses
    names starting with ``_``, calls, attributes ... before anything is evaluated)."""
    if not isinstance(text, str):
        raise FormulaError(f"formula must be text, got {type(text).__name__}")
    head = text[: MAX_LENGTH + 1]  # longer texts are refused by the parser anyway
    head = _QUOTED.sub("", head)  # words in quotes are not names (the parser refuses strings)
    names = {
        n for n in _IDENTIFIER.findall(head) if not n.startswith("_") and not keyword.iskeyword(n)
    }
    return parse_expression(text, names)


def _resolve_names(
    expression: Expression, mapping: Mapping[str, str] | None
) -> tuple[dict[str, str], bool]:
    order = [m[0] for m in _IDENTIFIER.finditer(expression.text)]
    used = sorted(expression.names, key=order.index)
    if mapping is not None:
        for name, target in mapping.items():
            _check_name(name)
            if target not in KEYWORDS:
                from explorer.errors import UnknownNameError

                raise UnknownNameError.for_name("size keyword", target, KEYWORDS)
        missing = [n for n in used if n not in mapping]
        if missing:
            raise UsageError(
                f"--map does not say what {_listed(missing)} for; add "
                f"{missing[0]}=KEYWORD (keywords: {', '.join(KEYWORDS)})"
            )
        unused = [n for n in mapping if n not in expression.names]
        if unused:
            raise UsageError(f"--map names {', '.join(map(_short, unused))}, not in the formula")
        names, guessed = {n: mapping[n] for n in used}, False
    else:
        names = {n: key for n in used if (key := guess_keyword(n)) is not None}
        unknown = [n for n in used if n not in names]
        if unknown:
            raise UsageError(
                f"cannot guess what {_listed(unknown)} for; say it with "
                f"--map {unknown[0]}=KEYWORD,... (keywords: {', '.join(KEYWORDS)})"
            )
        guessed = True
    twice = sorted({k for k in names.values() if list(names.values()).count(k) > 1})
    if twice:
        both = [n for n in names if names[n] in twice]
        raise UsageError(
            f"{', '.join(both)} all stand for {twice[0]}; use one name per size "
            "(or --map them to different sizes)"
        )
    return names, guessed


def _sizes_for(names: Mapping[str, str], sizes: Mapping[str, Any]) -> dict[str, int]:
    """The value of every formula name, from the design."""
    values = {}
    for name, key in names.items():
        value = sizes.get(key, 1 if key == "layers" else None)
        if key == "output" and value is None and sizes.get("tied"):
            value = sizes.get("vocab")
        option = "--" + key.replace("_", "-")
        if value is None:
            raise UsageError(f"the formula uses {name} for {key}: give its size, {option} N")
        if isinstance(value, list):
            raise UsageError(
                f"the formula has one {name} for {key}, but {option} gives one per layer; "
                "give one size"
            )
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UsageError(f"{option} must be a positive integer, got {value!r}")
        values[name] = value
    return values


def _check_magnitude(expression: Expression, values: Mapping[str, int]) -> None:
    """Refuse formulas whose degree or value would take long to expand or compute."""
    degree, bits = _measure(expression.tree, values)
    if degree > MAX_DEGREE:
        raise FormulaError(
            f"formula refused: degree {degree} in the sizes, at most {MAX_DEGREE} for a count"
        )
    if bits > MAX_BITS:
        raise FormulaError(f"formula refused: its value would have over {MAX_BITS // 3:,} digits")


def _measure(node: ast.expr, values: Mapping[str, int]) -> tuple[int, int]:
    """Upper bounds of the degree and of the bits of the value (numerator + denominator)."""
    if isinstance(node, ast.Constant):
        value = Fraction(node.value)  # type: ignore[arg-type]  # int or float, checked
        return 0, value.numerator.bit_length() + value.denominator.bit_length()
    if isinstance(node, ast.Name):
        return 1, max(values.get(node.id, 1).bit_length(), 1)
    if isinstance(node, ast.UnaryOp):
        return _measure(node.operand, values)
    if isinstance(node, ast.BinOp):
        (dl, bl), (dr, br) = _measure(node.left, values), _measure(node.right, values)
        if isinstance(node.op, ast.Pow):
            power = node.right.value if isinstance(node.right, ast.Constant) else 1
            return dl * int(power), bl * max(int(power), 1)  # type: ignore[arg-type]
        if isinstance(node.op, ast.Add | ast.Sub):
            return max(dl, dr), bl + br + 1
        return dl + dr, bl + br
    return 0, 0  # unreachable after the parser's check


def _bind(true: Count, names: Mapping[str, str], values: Mapping[str, int]) -> tuple[int, ...]:
    """Values for every slot of the symbolic count (its free slots are the formula's)."""
    by_key = {key: values[name] for name, key in names.items()}
    bound = []
    for slot, value in zip(true.compiled.slots, true.values):
        if value is not None:
            bound.append(value)
        elif slot.keyword in by_key:
            bound.append(by_key[slot.keyword])
        else:
            option = "--" + slot.keyword.replace("_", "-")
            raise UsageError(
                f"the count needs {slot.keyword} ({slot.symbol}): give {option} N, or "
                "use it in the formula"
            )
    return tuple(bound)


# -- the comparison itself --------------------------------------------------------------------
_Poly = dict[tuple[int, ...], Fraction]
_FEEDING = ("weight_ih", "weight_skip", "output.weight")  # their last dimension is an input
_RANKS = {"missing": 0, "substituted": 2, "copies": 3, "extra": 4, "unexplained": 5}


@dataclass(frozen=True, slots=True)
class _Change:
    """How a formula may count a true term: left out (``missing``), twice (``extra``),
    with another size (``substituted``: ``old`` -> ``new`` in dimension ``index``, or in
    every dimension when ``index`` is None; ``whole``: the whole dimension replaced), or
    for another number of layers (``copies``: multiplicity ``old`` -> ``new``)."""

    kind: CauseKind
    index: int | None = None
    old: Any = None
    new: Any = None
    whole: bool = False


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A possible cause: a true term, a change, and its share of ``true - formula``."""

    term: int
    change: _Change
    poly: _Poly
    feeds: bool = False  # the change is in what feeds the matrix: the likeliest slip

    @property
    def rank(self) -> int:
        """Preference among equally short explanations: lower first."""
        return _RANKS[self.change.kind] - self.feeds


class _Comparison:
    """Builds a :class:`FormulaComparison`: the polynomials, the causes, the words.

    Polynomials are dicts of exponents -> Fraction over the formula's sizes, with the depth
    written ``K + 1``: terms of layer 0 then have no ``K`` and grouped layers a factor
    ``K``, so a whole term is a clean part of the difference.
    """

    def __init__(
        self,
        *,
        expression: Expression,
        names: Mapping[str, str],
        guessed: bool,
        values: Mapping[str, int],
        true: Count,
        bound: Count,
    ) -> None:
        import sympy

        self.expression, self.names, self.guessed, self.values = expression, names, guessed, values
        self.true, self.bound = true, bound
        ours = {str(s): s for s in true.symbols}
        self.symbol_of = {
            name: ours.get(SYMBOL_NAMES[key], sympy.Symbol(SYMBOL_NAMES[key], positive=True))
            for name, key in names.items()
        }
        # our symbol -> the formula's symbol, for every text shown
        self.yours = {self.symbol_of[n]: sympy.Symbol(n, positive=True) for n in names}
        self.fixed = {
            s: sympy.Integer(v) for s, v in zip(true.symbols, true.values) if v is not None
        }
        self.gens = tuple(self.yours)
        self.depth = next((s for s in self.gens if str(s) == "L"), None)
        self.offset = sympy.Dummy("K", positive=True)
        self.terms = true.terms

    def build(self) -> FormulaComparison:
        import sympy

        user = self.expression.to_sympy(self.symbol_of)
        if user.has(sympy.zoo, sympy.nan, sympy.oo):
            raise FormulaError("formula divides by zero")
        true_expr = self.true.formula.xreplace(self.fixed)
        difference = sympy.expand(true_expr - user)
        formula_value = self.expression.evaluate(self.values)
        causes, note = self._causes(difference)
        readable = _sum_text(causes) if causes else self._yours(sympy.factor(difference))
        return FormulaComparison(
            formula=self.expression.text,
            title=_title(self.true),
            mapping=tuple(self.names.items()),
            guessed=self.guessed,
            sizes=tuple(self.values.items()),
            formula_value=formula_value,
            true_value=self.bound.total,
            true_formula=self._yours(true_expr),
            difference=readable,
            difference_expanded=self._yours(difference),
            causes=tuple(causes),
            note=note,
        )

    # -- polynomials ----------------------------------------------------------------------
    def _poly(self, expr: Any) -> _Poly:
        """``expr`` (sympy, fixed sizes substituted) over the sizes, the depth as ``K + 1``."""
        import sympy

        expr = sympy.sympify(expr).xreplace(self.fixed)  # our own numbers, never user text
        if not self.gens:
            return _clean({(): _fraction(expr)})
        gens = [self.offset if g == self.depth else g for g in self.gens]
        if self.depth is not None:
            expr = expr.xreplace({self.depth: self.offset + 1})
        poly = sympy.Poly(sympy.expand(expr), *gens)
        return _clean({e: _fraction(c) for e, c in poly.terms()})

    def _causes(self, difference: Any) -> tuple[list[Cause], str]:
        import sympy

        if difference == 0:
            return [], "the formula agrees with the count for every size"
        numerator, denominator = sympy.fraction(sympy.together(difference))
        polynomial = not self.gens or numerator.is_polynomial(*self.gens)
        if denominator.free_symbols or not polynomial:
            return [], "the formula is not a polynomial in the sizes: no term-by-term causes"
        target = self._poly(difference)
        candidates = self._candidates()
        chosen, rest = _explain(target, candidates, self._group_key)
        return self._group(chosen, candidates) + self._unexplained(rest), ""

    def _candidates(self) -> list[_Candidate]:
        """Every term left out, counted twice, with another size, for other layers."""
        found: list[_Candidate] = []
        ordinary = [k for k, g in enumerate(self.gens) if g != self.depth]
        for j, term in enumerate(self.terms):
            copies = self._poly(term.multiplicity)
            dims = [self._poly(d) for d in term.shape]
            whole = _product([copies, *dims])
            found.append(_Candidate(j, _Change("missing"), whole))
            for k in ordinary:
                for new in ordinary:
                    if new != k and _uses(whole, k):
                        share = _sub(whole, _shift(whole, k, new))
                        change = _Change("substituted", None, self.gens[k], self.gens[new])
                        found.append(_Candidate(j, change, share))
            for index in range(len(dims)):
                found += self._dimension_changes(
                    j, copies=copies, dims=dims, index=index, ordinary=ordinary
                )
            found += self._copies(j, copies, dims)
            found.append(_Candidate(j, _Change("extra"), _neg(whole)))
        unique: dict[tuple[Any, ...], _Candidate] = {}
        for c in sorted(found, key=lambda c: c.rank):  # stable: the likeliest reading first
            unique.setdefault((tuple(sorted(c.poly.items())), c.term), c)
        return list(unique.values())

    def _dimension_changes(
        self, j: int, *, copies: _Poly, dims: list[_Poly], index: int, ordinary: list[int]
    ) -> list[_Candidate]:
        """One size replaced in one dimension; a compound dimension replaced whole."""
        found = []
        whole, dim = _product([copies, *dims]), dims[index]
        feeds = index == len(dims) - 1 and _role(self.terms[j].name) in _FEEDING
        for k in ordinary:
            for new in ordinary:
                if new != k and _uses(dim, k):
                    other = [*dims[:index], _shift(dim, k, new), *dims[index + 1 :]]
                    change = _Change("substituted", index, self.gens[k], self.gens[new])
                    share = _sub(whole, _product([copies, *other]))
                    found.append(_Candidate(j, change, share, feeds))
        compound = len(dim) > 1 or any(c != 1 or sum(e) > 1 for e, c in dim.items())
        if compound:
            for new in ordinary:
                unit = {tuple(int(k == new) for k in range(len(self.gens))): Fraction(1)}
                other = [*dims[:index], unit, *dims[index + 1 :]]
                change = _Change("substituted", index, None, self.gens[new], whole=True)
                share = _sub(whole, _product([copies, *other]))
                found.append(_Candidate(j, change, share, feeds))
        return found

    def _copies(self, j: int, copies: _Poly, dims: list[_Poly]) -> list[_Candidate]:
        """The term counted for every layer, once, or ``L - 1`` times, where it is not."""
        depth = self.depth
        if depth is None:
            return []
        whole = _product([copies, *dims])
        found = []
        for other in (depth, 1, depth - 1):
            counted = self._poly(other)
            if counted != copies:
                change = _Change("copies", None, self.terms[j].multiplicity, other)
                found.append(_Candidate(j, change, _sub(whole, _product([counted, *dims]))))
        return found

    def _group_key(self, c: _Candidate) -> tuple[Any, ...]:
        change = c.change
        role = _role(self.terms[c.term].name)
        return (change.kind, role, change.index, str(change.old), str(change.new), change.whole)

    # -- words ----------------------------------------------------------------------------
    def _yours(self, expr: Any) -> str:
        """An expression in the formula's own names, a leading minus moved into a
        difference when it can be (``4*nc*(np - ni)``, not ``-4*nc*(ni - np)``)."""
        import sympy

        return _positive_text(sympy.sympify(expr).xreplace(self.fixed).xreplace(self.yours))

    def _expr(self, poly: _Poly) -> Any:
        """A polynomial back as a factored sympy expression (the depth as ``L``)."""
        import sympy

        gens = [self.depth - 1 if g == self.depth else g for g in self.gens]
        total = sympy.Add(
            *(
                sympy.Rational(c.numerator, c.denominator)
                * sympy.Mul(*(g**e for g, e in zip(gens, exps)))
                for exps, c in poly.items()
            )
        )
        return sympy.factor(total)

    def _value(self, poly: _Poly) -> Fraction:
        values = {self.symbol_of[n]: v for n, v in self.values.items()}
        at = [values[g] - 1 if g == self.depth else values[g] for g in self.gens]
        return sum(
            (c * math.prod(v**e for v, e in zip(at, exps)) for exps, c in poly.items()),
            start=Fraction(0),
        )

    def _group(self, chosen: list[_Candidate], candidates: list[_Candidate]) -> list[Cause]:
        groups: dict[tuple[Any, ...], list[_Candidate]] = {}
        for c in sorted(chosen, key=lambda c: c.term):
            groups.setdefault(self._group_key(c), []).append(c)
        explained = {t.name: t.why for t in explain(self.bound).terms}
        every = {f["layer"] for t in self.terms if (f := _LAYER_TERM.search(t.name))}
        causes = []
        for members in groups.values():
            poly: _Poly = {}
            for m in members:
                poly = _add(poly, m.poly)
            names = tuple(self.terms[m.term].name for m in members)
            text = self._sentence(members[0], names, _where(names, every))
            causes.append(
                Cause(
                    kind=members[0].change.kind,
                    terms=names,
                    text=text + _alike(members, chosen, candidates, self.terms),
                    why=explained.get(names[0], ""),
                    expression=self._yours(self._expr(poly)),
                    value=self._value(poly),
                )
            )
        return causes

    def _sentence(self, first: _Candidate, names: tuple[str, ...], where: str) -> str:
        term, change = self.terms[first.term], first.change
        title = _ROLE_TITLES.get(_role(term.name), term.name)
        head = f"{where}: {title}" if where else title
        shape = " x ".join(self._dimension_text(d) for d in term.shape)
        listed = ", ".join(names)
        if change.kind == "missing":
            each = " each" if len(names) > 1 else ""
            return f"{head} ({listed}; {shape}{each}) missing from the formula"
        if change.kind == "extra":
            return f"{head} ({listed}; {shape}) counted twice by the formula"
        if change.kind == "copies":
            return (
                f"{head} ({listed}; {shape}): counted {self._times(change.new)} where the "
                f"network has {self._times(change.old)}"
            )
        return f"{head} ({listed}; {shape}): {self._substituted(term, change)}"

    def _substituted(self, term: Any, change: _Change) -> str:
        """``counted with ni where the network has np``; for what feeds a matrix, ``fed with
        ni + nr where the real input is np + nr (ni counted where the network has np)``."""
        new = self._yours(change.new)
        if change.index is None:
            return f"counted with {new} where the network has {self._yours(change.old)}"
        dim = term.shape[change.index]
        right = self._yours(dim)
        if change.whole:
            wrong, detail = new, ""
        else:
            wrong = self._yours(dim.xreplace({change.old: change.new}))
            old = self._yours(change.old)
            detail = f" ({new} counted where the network has {old})" if wrong != new else ""
        feeds = change.index == len(term.shape) - 1 and _role(term.name) in _FEEDING
        if feeds:
            return f"fed with {wrong} where the real input is {right}{detail}"
        return f"counted with {wrong} where the network has {right}{detail}"

    def _dimension_text(self, dim: Any) -> str:
        text = self._yours(dim)
        return f"({text})" if dim.xreplace(self.fixed).is_Add else text

    def _times(self, copies: Any) -> str:
        return "once" if copies == 1 else f"{self._yours(copies)} times"

    def _unexplained(self, rest: _Poly) -> list[Cause]:
        causes = []
        for positive, text in (
            (True, "in the count but not in the formula, no term accounts for it"),
            (False, "in the formula but not in the count, no term accounts for it"),
        ):
            part = {e: c for e, c in rest.items() if (c > 0) == positive}
            if part:
                causes.append(
                    Cause(
                        kind="unexplained",
                        terms=(),
                        text=text,
                        why="",
                        expression=self._yours(self._expr(part)),
                        value=self._value(part),
                    )
                )
        return causes


def _alike(
    members: list[_Candidate],
    chosen: list[_Candidate],
    candidates: list[_Candidate],
    terms: Sequence[Any],
) -> str:
    """Terms of the same size as the ones a missing/extra cause names: the formula cannot
    tell them apart (``bias_ih`` or ``bias_hh``), so say so."""
    if members[0].change.kind not in ("missing", "extra"):
        return ""
    taken = {c.term for c in chosen}
    shares = [m.poly for m in members]
    alike = [
        terms[c.term].name
        for c in candidates
        if c.change.kind == members[0].change.kind and c.term not in taken and c.poly in shares
    ]
    return f" (or, the same count, {', '.join(alike)})" if alike else ""


def _sum_text(causes: list[Cause]) -> str:
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


def _positive_text(expr: Any) -> str:
    import sympy

    if not expr.is_Mul:
        return str(expr)
    coefficient, rest = expr.as_coeff_Mul()
    factors = list(sympy.Mul.make_args(rest))
    flippable = [i for i, f in enumerate(factors) if f.is_Add and len(f.args) == 2]
    if coefficient >= 0 or not flippable:
        return str(expr)
    flipped = sympy.sstr(-factors[flippable[-1]], order="none")
    if flipped.startswith("-"):
        return str(expr)
    texts = [f"({f})" if f.is_Add else str(f) for f in factors]
    texts[flippable[-1]] = f"({flipped})"
    head = [] if coefficient == -1 else [str(-coefficient)]
    return "*".join([*head, *texts])


def _role(name: str) -> str:
    found = _LAYER_TERM.search(name)
    if found:
        return found["role"]
    for tail in ("embedding.weight", "output.weight", "output.bias"):
        if name.endswith(tail):
            return tail
    return name


def _where(terms: Iterable[str], every: set[str]) -> str:
    """``layer 0``, ``layers after the first``, ``every layer``, or nothing (output ...).

    ``every`` is the set of layer labels of the network (``0``, ``1``, ``[1:L]`` ...).
    """
    layers = set()
    for name in terms:
        found = _LAYER_TERM.search(name)
        if not found:
            return ""
        layers.add(found["layer"])
    if layers == every and len(every) > 1:
        return "every layer"
    if layers == every - {"0"} and len(every) > 1:
        return "layers after the first"
    numbered = sorted(layers, key=lambda k: (len(k), k))
    return ("layer " if len(numbered) == 1 else "layers ") + ", ".join(numbered)


# -- polynomial arithmetic on dicts (fast: no sympy in the search) ----------------------------
def _fraction(value: Any) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _clean(poly: _Poly) -> _Poly:
    return {e: c for e, c in poly.items() if c}


def _add(a: _Poly, b: _Poly) -> _Poly:
    out = dict(a)
    for e, c in b.items():
        out[e] = out.get(e, Fraction(0)) + c
    return _clean(out)


def _neg(a: _Poly) -> _Poly:
    return {e: -c for e, c in a.items()}


def _sub(a: _Poly, b: _Poly) -> _Poly:
    return _add(a, _neg(b))


def _product(polys: Iterable[_Poly]) -> _Poly:
    out: _Poly | None = None
    for p in polys:
        if out is None:
            out = dict(p)
            continue
        step: _Poly = {}
        for e1, c1 in out.items():
            for e2, c2 in p.items():
                e = tuple(a + b for a, b in zip(e1, e2))
                step[e] = step.get(e, Fraction(0)) + c1 * c2
        out = _clean(step)
    return out or {}


def _uses(poly: _Poly, k: int) -> bool:
    return any(e[k] for e in poly)


def _shift(poly: _Poly, old: int, new: int) -> _Poly:
    """The size at ``old`` replaced by the size at ``new``."""
    out: _Poly = {}
    for e, c in poly.items():
        moved = list(e)
        moved[new] += moved[old]
        moved[old] = 0
        key = tuple(moved)
        out[key] = out.get(key, Fraction(0)) + c
    return _clean(out)


def _fits(part: _Poly, whole: _Poly) -> bool:
    """Every monomial of ``part`` is in ``whole`` with the same sign and no larger."""
    for e, c in part.items():
        w = whole.get(e)
        if w is None or (w > 0) != (c > 0) or abs(c) > abs(w):
            return False
    return True


def _explain(
    target: _Poly, candidates: list[_Candidate], group_key: Any
) -> tuple[list[_Candidate], _Poly]:
    """The fewest candidates whose shares add up to ``target`` exactly (among those, the
    fewest distinct causes, then the plainest kinds, then later terms: ``bias_hh`` is the
    bias a one-bias formula leaves out); else a greedy choice and what remains."""
    usable = [c for c in candidates if _fits(c.poly, target)]
    touched = {e for c in usable for e in c.poly}
    untouched = {e: c for e, c in target.items() if e not in touched}  # no term explains these
    target = {e: c for e, c in target.items() if e in touched}
    budget = [_SEARCH_BUDGET]
    for size in range(1, MAX_CAUSES + 1):
        solutions: dict[frozenset[int], list[_Candidate]] = {}
        _cover(target, usable, size=size, budget=budget, taken=[], solutions=solutions)
        if solutions:
            best = min(
                solutions.values(),
                key=lambda s: (
                    len({group_key(c) for c in s}),
                    sum(c.rank for c in s),
                    -sum(c.term for c in s),
                ),
            )
            return best, untouched
        if budget[0] <= 0:
            break
    chosen, rest = [], dict(target)
    for c in sorted(usable, key=lambda c: c.rank):
        if _fits(c.poly, rest):
            chosen.append(c)
            rest = _sub(rest, c.poly)
    return chosen, _add(rest, untouched)


def _cover(
    rest: _Poly,
    usable: list[_Candidate],
    *,
    size: int,
    budget: list[int],
    taken: list[_Candidate],
    solutions: dict[frozenset[int], list[_Candidate]],
) -> None:
    """Depth first: take the monomial with the fewest candidates, try each that fits."""
    if not rest:
        solutions.setdefault(frozenset(id(c) for c in taken), list(taken))
        return
    budget[0] -= 1
    if size == 0 or budget[0] <= 0 or len(solutions) >= 64:
        return
    fitting = [c for c in usable if _fits(c.poly, rest)]
    options = {e: [c for c in fitting if e in c.poly] for e in rest}
    monomial = min(options, key=lambda e: (len(options[e]), e))
    for candidate in options[monomial]:
        remaining = [c for c in fitting if c is not candidate]
        taken.append(candidate)
        _cover(
            _sub(rest, candidate.poly),
            remaining,
            size=size - 1,
            budget=budget,
            taken=taken,
            solutions=solutions,
        )
        taken.pop()
