"""The :class:`Count`: named terms, their closed form, and exact evaluation."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal

from explorer.algebra._compiled import CompiledCount
from explorer.algebra._kinds import EMBEDDING
from explorer.algebra._protocol import ConventionLike, FamilyLike
from explorer.algebra._protocol import complete as complete_slots
from explorer.errors import InvalidSizeError, UnboundSizeError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import sympy

    from explorer.algebra._measure import ComputeConventionLike
    from explorer.algebra._symbolic import SymbolicCount
    from explorer.algebra._term import Term

__all__ = [
    "COUNT_FIELDS",
    "INT64_MAX",
    "Count",
    "compute_count",
    "count_of",
    "make_count",
    "measure_count",
    "require_bound",
    "set_fields",
    "with_extents",
]

INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Count:
    """The parameter count of one design: terms, closed form, exact numbers.

    Sizes not given stay symbols (see :func:`explorer.formula`); asking such a count for a
    number raises :class:`UnboundSizeError`. The total is the sum of the terms by
    construction: families only name terms, this class adds them.

    Example:
        >>> import explorer
        >>> c = explorer.count("lstm", convention="pytorch", input=39, cells=1024, layers=3)
        >>> c.total, c.weights, c.biases
        (21155840, 21131264, 24576)
        >>> c.breakdown["weight_ih_l0"]
        159744
        >>> c.evaluate(cells=512)
        5335040
        >>> c
        Count(family='lstm', convention='pytorch', total=21155840)
    """

    family: FamilyLike
    structure: Hashable
    convention: ConventionLike
    compiled: CompiledCount
    values: tuple[int | None, ...]
    notes: tuple[str, ...] = ()
    #: The sizes that are not parameters but that measures read (``seq``, ``batch``).
    extents: tuple[tuple[str, int], ...] = ()
    #: The compute convention of :attr:`compute` (``None``: made without ``seq``).
    compute_convention: ComputeConventionLike | None = None

    def __repr__(self) -> str:
        """Short: the family, the convention and the total (or the free symbols); the
        terms, formula and breakdown are a property away."""
        detail = f"free={self.free!r}" if None in self.values else f"total={self.total}"
        return f"Count(family={self.family.name!r}, convention={self.convention.name!r}, {detail})"

    # -- notebooks and data frames (explorer.algebra._notebook) ----------------
    def _repr_html_(self) -> str:
        """Jupyter's table of the terms."""
        from explorer.algebra._notebook import count_html

        return count_html(self)

    def _repr_latex_(self) -> str:
        """Jupyter's formula."""
        from explorer.algebra._notebook import count_latex

        return count_latex(self)

    def to_pandas(self) -> Any:
        """The terms as a :class:`pandas.DataFrame`, one row per term (needs pandas)."""
        from explorer.algebra._notebook import count_frame

        return count_frame(self)

    # -- numbers ---------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """Exact number of parameters (a Python int)."""
        values = self.values
        if None in values:
            self._bound()  # raises, saying which sizes are free
        function = self.compiled._functions.get("total") or self.compiled.function("total")
        return function(*values)  # type: ignore[no-any-return]

    @property
    def biases(self) -> int:
        """Parameters in bias vectors."""
        return self.compiled.function("biases")(*self._bound())  # type: ignore[no-any-return]

    @property
    def weights(self) -> int:
        """Everything that is not a bias (embedding tables included)."""
        return self.total - self.biases

    @property
    def active(self) -> int:
        """Parameters one token uses (a mixture of experts: its router and ``k`` experts
        per layer, not all ``E``); the total when every parameter is used."""
        return self.compiled.function("active")(*self._bound())  # type: ignore[no-any-return]

    @property
    def sparse(self) -> bool:
        """Whether a token uses fewer parameters than the total holds."""
        return self.compiled.active is not None

    @property
    def by_block(self) -> dict[str, int]:
        """Parameters per kind of block (``attention``, ``mlp``, ``embedding`` ...), in
        the order they first appear; terms without a role count under their kind."""
        values = self.compiled.function("terms")(*self._bound())
        blocks: dict[str, int] = {}
        for t, v in zip(self.compiled.terms, values):
            key = t.role.block or t.kind
            blocks[key] = blocks.get(key, 0) + v
        return blocks

    @property
    def embedding(self) -> int:
        """Parameters in embedding tables (token, position, type)."""
        values = self.compiled.function("terms")(*self._bound())
        return sum(v for t, v in zip(self.compiled.terms, values) if t.kind == EMBEDDING)

    @property
    def non_embedding(self) -> int:
        """Everything but the embedding tables (Kaplan et al. 2020's N)."""
        return self.total - self.embedding

    @property
    def breakdown(self) -> dict[str, int]:
        """Parameters per term name, in order (PyTorch's names under ``pytorch``)."""
        values = self.compiled.function("terms")(*self._bound())
        return {t.name: v for t, v in zip(self.compiled.terms, values)}

    @property
    def subtotals(self) -> dict[str, int]:
        """Parameters per group: ``embedding``, ``layer 0`` ..., ``output``."""
        groups: dict[str, int] = {}
        values = self.compiled.function("terms")(*self._bound())
        for t, v in zip(self.compiled.terms, values):
            groups[t.group] = groups.get(t.group, 0) + v
        return groups

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each term's shape as numbers (the leading ``L - 1`` copies not included)."""
        flat = iter(self.compiled.function("shapes")(*self._bound()))
        return {t.name: tuple(next(flat) for _ in t.shape) for t in self.compiled.terms}

    @property
    def sizes(self) -> dict[str, Any]:
        """The design by keyword, enough for ``explorer.count(family, convention=...,
        **sizes)`` to give the same count (``None`` where a size is still a symbol)."""
        return self.family.design(self.structure, self.values)

    @property
    def free(self) -> tuple[str, ...]:
        """Names of the symbols that are not bound to a number."""
        return tuple(s.symbol for s, v in zip(self.compiled.slots, self.values) if v is None)

    def evaluate(self, **sizes: Any) -> int:
        """The total with some sizes replaced (or bound), same structure.

        Example:
            >>> import explorer
            >>> explorer.formula("rnn", convention="weights").evaluate(input=3, cells=2, layers=2)
            18
        """
        return self.compiled.function("total")(*self._arguments(sizes, scalar=True))  # type: ignore[no-any-return]

    def evaluate_many(
        self, *, overflow: Literal["exact", "raise"] = "exact", **arrays: Any
    ) -> np.ndarray[Any, Any]:
        """The totals of many designs at once, over numpy arrays (broadcast together).

        Evaluated in blocks, in place: extra memory is the result and a few blocks. int64
        overflow is detected before it can happen: each block's largest sizes bound every
        value met while evaluating it, exactly. On overflow, ``overflow="exact"`` returns
        exact Python ints (object array); ``"raise"`` raises.

        Example:
            >>> import explorer, numpy as np
            >>> c = explorer.formula("lstm", convention="weights", output=True)
            >>> c.evaluate_many(input=39, cells=np.array([512, 1024]), output=34, layers=3)
            array([ 5340160, 21166080])
        """
        from explorer.algebra._vector import evaluate_many

        return evaluate_many(self, arrays, overflow)

    # -- compute: a measure of the same structure (explorer.algebra._measure) ------------
    @property
    def compute(self) -> Count:
        """The FLOPs of one forward pass as a count of named matrix products (its
        ``total`` is the FLOPs, each term's value the FLOPs of one product); needs
        ``seq`` (and ``batch``) given to :func:`explorer.count`."""
        return compute_count(self)

    @property
    def flops(self) -> int:
        """FLOPs of one forward pass: 2 x :attr:`macs` (the matrix products only, as
        ``torch.utils.flop_counter.FlopCounterMode`` counts them)."""
        compute = self.compute
        require_bound(compute, "flops")
        return compute.total

    @property
    def macs(self) -> int:
        """Multiply-accumulates of one forward pass's matrix products."""
        return self.flops // 2

    @property
    def training_flops(self) -> int:
        """FLOPs of one training step under the compute convention (forward and
        backward: 3 x :attr:`flops` by default, Kaplan et al. 2020)."""
        convention = self.compute_convention
        factor = 3 if convention is None else convention.training_factor
        return factor * self.flops

    # -- description (for renderers) ----------------------------------------------------
    @property
    def title(self) -> str:
        """``lstm (convention pytorch)``."""
        return f"{self.family.name} (convention {self.convention.name})"

    @property
    def flags_text(self) -> str:
        """What the count includes, in one line."""
        return self.family.describe(self.structure)

    @property
    def meanings(self) -> dict[str, str]:
        """What each symbol stands for."""
        return {s.symbol: self.family.meaning(s) for s in self.compiled.slots}

    def context(self) -> dict[str, Any]:
        """Family, convention and flags, for JSON."""
        return {
            "family": self.family.name,
            "convention": self.convention.name,
            "flags": self.convention.flags(),
        }

    # -- symbols ---------------------------------------------------------------------------
    @property
    def terms(self) -> tuple[Term, ...]:
        """The named terms with sympy shapes (builds the sympy side on first use)."""
        return self._symbolic().terms

    @property
    def formula(self) -> sympy.Expr:
        """The closed form: the sum of the terms, every size a symbol."""
        return self._symbolic().formula

    @property
    def active_formula(self) -> sympy.Expr:
        """The closed form of the parameters one token uses (the formula when all are)."""
        return self._symbolic().active

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The sympy symbols, in argument order."""
        return self._symbolic().symbols

    def bound_formula(self) -> sympy.Expr:
        """The formula with the given sizes substituted; free sizes stay symbols."""
        if None not in self.values:  # every size given: the number, without building it
            import sympy

            return sympy.Integer(self.total)
        symbolic = self._symbolic()
        mapping = {s: v for s, v in zip(symbolic.symbols, self.values) if v is not None}
        return symbolic.formula.xreplace(mapping)

    def _symbolic(self) -> SymbolicCount:
        from explorer.algebra._symbolic import symbolic_count

        return symbolic_count(self.family, self.structure)

    # -- helpers ---------------------------------------------------------------------------
    def _bound(self) -> tuple[int, ...]:
        if None in self.values:
            raise UnboundSizeError(
                f"the count still has free sizes {', '.join(self.free)}: give them to get a number"
            )
        return self.values  # type: ignore[return-value]

    def _arguments(
        self, given: Mapping[str, Any], *, scalar: bool, complete: bool = True
    ) -> list[Any]:
        """The slot values with ``given`` replacing the bound ones; derived slots filled
        (or left ``None`` for the caller to fill, with ``complete=False``)."""
        from explorer.sizes import positive_int

        slots = self.compiled.slots
        keywords = {s.keyword for s in slots}
        for key in given:
            if key not in keywords:
                raise InvalidSizeError(
                    f"{key} is not a size of this count; its sizes are "
                    f"{', '.join(sorted(keywords))}"
                )
        args: list[Any] = []
        derived = False
        for slot, bound in zip(slots, self.values):
            if slot.derived and slot.keyword not in given:
                derived = True
                args.append(None)  # follows the others: filled in below
                continue
            value = given.get(slot.keyword, bound)
            if slot.layer is not None and slot.keyword in given:
                value = value[slot.layer]
            if value is None:
                raise UnboundSizeError(f"{slot.label} is a free size: give {slot.keyword}=...")
            args.append(positive_int(slot.label, value) if scalar else value)
        if derived and complete:
            complete_slots(self.family, self.structure, args)
        return args


#: Sets a new Count's attribute dictionary whole, every field in it (a frozen dataclass
#: refuses ``setattr``; see make_count).
set_fields = Count.__dict__["__dict__"].__set__
_NEW = object.__new__
#: Count's fields, in order.
COUNT_FIELDS = tuple(f.name for f in fields(Count))


def make_count(
    family: FamilyLike,
    structure: Hashable,
    convention: ConventionLike,
    compiled: CompiledCount,
    values: tuple[int | None, ...],
    *,
    notes: tuple[str, ...] = (),
) -> Count:
    """``Count(family, structure, convention, compiled, values, notes)`` in half the time:
    the frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, and
    a warm ``explorer.count(...)`` takes about two microseconds in all. Same object, same
    checks (``Count`` has none of its own); every field is set here.

    Example:
        >>> import dataclasses, explorer
        >>> [f.name for f in dataclasses.fields(Count)][:6]  # make_count sets each field
        ['family', 'structure', 'convention', 'compiled', 'values', 'notes']
        >>> c = explorer.count("rnn", convention="weights", input=3, cells=2)
        >>> make_count(c.family, c.structure, c.convention, c.compiled, c.values) == c
        True
    """
    count = _NEW(Count)
    set_fields(
        count,
        {
            "family": family,
            "structure": structure,
            "convention": convention,
            "compiled": compiled,
            "values": values,
            "notes": notes,
            "extents": (),
            "compute_convention": None,
        },
    )
    return count


def count_of(
    family: FamilyLike,
    structure: Hashable,
    convention: ConventionLike,
    values: Sequence[int | None],
) -> Count:
    """The :class:`Count` of a structure with its slot values (in ``family.slots`` order).

    A structure beyond the unrolling limit that has a symbolic-depth structure is counted
    through it (see :func:`explorer.algebra._build.counted_as`): the count's structure is
    then the symbolic-depth one, the added sizes (the depth) bound to their values.
    """
    from explorer.algebra._build import counted_as

    target, compiled, mapping = counted_as(family, structure)
    if mapping is not None:
        values = tuple([values[i] if i >= 0 else constant for i, constant in mapping])
    elif type(values) is not tuple:
        values = tuple(values)
    return make_count(family, target, convention, compiled, values)


# -- measures of the same structure (explorer.algebra._measure) ----------------------------
def measure_count(
    count: Count,
    measure: str,
    convention: ConventionLike,
    extents: Mapping[str, int | None],
) -> Count:
    """The count of ``measure`` for the design of ``count``: its terms over the same
    sizes and the measure's own (``extents``: ``{"seq": 2048, "batch": 1}``; a missing
    or ``None`` one stays a symbol).

    Raises:
        ConflictError: the family declares no such measure for this design.
        InvalidSizeError: a size or extent the family refuses (``check_extents``:
            outside the domain a derived compute was verified on).
    """
    from explorer.algebra._build import compiled_count
    from explorer.algebra._measure import MeasureFamily, measures_of
    from explorer.errors import ConflictError

    declared = measures_of(count.family, count.structure)
    if measure not in declared:
        kind = measure.split(":", maxsplit=1)[0]
        what = {"kv": "KV cache", "flops": "compute terms"}.get(kind, f"{kind} terms")
        listed = ", ".join(declared) if declared else "none"
        raise ConflictError(
            f"{count.family.name} declares no {what} for this design (it declares: {listed})"
        )
    check = getattr(count.family, "check_extents", None)
    if check is not None:  # a family verified on a domain refuses sizes outside it
        sizes = {s.keyword: v for s, v in zip(count.compiled.slots, count.values)}
        check(count.structure, measure, {**sizes, **extents})
    adapter = MeasureFamily(count.family, measure)
    compiled = compiled_count(adapter, count.structure)
    own = compiled.slots[len(count.values) :]
    values = list(count.values) + [extents.get(slot.keyword) for slot in own]
    if any(slot.derived for slot in own) and None not in [
        v for slot, v in zip(compiled.slots, values) if not slot.derived
    ]:
        adapter.complete(count.structure, values)  # what the measure's own sizes follow
    return Count(adapter, count.structure, convention, compiled, tuple(values))


def compute_count(count: Count) -> Count:
    """The FLOPs of one forward pass of ``count``'s design, as a count of named matrix
    products (its ``total`` is the FLOPs; each term's MACs are half its value).

    Raises:
        UsageError: the count was made without ``seq``.
        ConflictError: the family declares no compute terms.
    """
    from explorer.errors import UsageError, typed

    convention = count.compute_convention
    if convention is None:
        raise UsageError(
            f"compute depends on the sequence length: count with {typed('seq', placeholder='T')}"
            f" (and {typed('batch', placeholder='B')}, default 1) to get macs and flops"
        )
    return measure_count(count, convention.measure, convention, dict(count.extents))


def require_bound(count: Count, what: str) -> None:
    """Refuse a number of a measure whose own sizes are still symbols."""
    missing = [s.keyword for s, v in zip(count.compiled.slots, count.values) if v is None]
    if missing:
        raise UnboundSizeError(
            f"{what} still depends on {', '.join(missing)}: give "
            + ", ".join(f"{k}=N" for k in missing)
        )


def with_extents(count: Count, extents: Mapping[str, int], convention: Any) -> Count:
    """``count`` with the measures' sizes (``seq``, ``batch``) and compute convention set."""
    import dataclasses

    return dataclasses.replace(
        count, extents=tuple(sorted(extents.items())), compute_convention=convention
    )
