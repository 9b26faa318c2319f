"""The design space of a search or sweep: the structural choices, and what stays fixed.

The choices are the families' own declarations (:attr:`explorer.families.Family.
search_choices`: depth, directions, a projection ratio, heads ...); every choice is
enumerable. The free size (the family's first solvable width: cells, d_model) is never
sampled: :func:`explorer.solve` fills it in exactly. The space also carries what a budget
counts (parameters, or a FLOP or byte measure, :class:`explorer.solver.Measure`) and the sequence
length of the compute objectives.

Example:
    >>> space = make_space(families=("lstm", "gru"), layers=(1, 2, 3))
    >>> space.size
    6
    >>> choice = Choice("gru", (("layers", 2), ("bidirectional", False)))
    >>> s = space.solve(choice, budget=6_500_000)
    >>> s.sizes["cells"], s.total
    (841, 6502646)
    >>> from explorer.measures import Flops
    >>> flops = make_space(families=("gru",), layers=(2,), measure=Flops(seq=100))
    >>> d = flops.to_design(flops.solve(choice, budget=flops.parse_budget("1.3G")))
    >>> d.sizes["cells"], d.total, d.unit, d.parameters, d.flops == d.total
    (841, 1298504000, 'FLOPs', 6502646, True)
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import explorer
from explorer.errors import ConflictError, InvalidSizeError, UnknownNameError, UsageError
from explorer.families import Family, SearchChoice
from searches.design import Design
from searches.options import int_choices, toggle

if TYPE_CHECKING:
    from explorer.solver import Measure

__all__ = ["MIN_HEAD_DIM", "MODES", "SIZE_LIMIT", "Choice", "Space", "make_space"]

MODES = ("nearest", "under", "over")  # explorer.solver.MODES
#: The narrowest attention head a search allows unless told (``--min-head-dim``): 32,
#: half of the 64 most released Transformers use; a design of 32 heads of width 4 is no
#: design anyone trains (issue 23).
MIN_HEAD_DIM = 32
#: The largest free size, step or bound a space takes (as :func:`explorer.solve`).
SIZE_LIMIT = 10**18


@dataclass(frozen=True, slots=True)
class Choice:
    """One point of the structural grid: a family and the values of its choices.

    Example:
        >>> c = Choice("lstmp", (("layers", 2), ("bidirectional", True), ("proj_ratio", 4)))
        >>> c.get("layers"), c.label
        (2, 'lstmp bidirectional proj_ratio=4')
    """

    family: str
    picks: tuple[tuple[str, Any], ...]

    def get(self, name: str, default: Any = None) -> Any:
        """The value chosen for ``name``."""
        return dict(self.picks).get(name, default)

    @property
    def label(self) -> str:
        """The family and its choices other than the depth (a structure's name)."""
        depth = _family(self.family).depth
        parts = [self.family]
        for name, value in self.picks:
            if name == depth:
                continue
            if value is True:
                parts.append(name)
            elif value is not False:
                parts.append(f"{name}={value}")
        return " ".join(parts)

    def without_depth(self) -> Choice:
        """The same choice with the depth left out (what one compiled count covers)."""
        depth = _family(self.family).depth
        return Choice(self.family, tuple(p for p in self.picks if p[0] != depth))


@dataclass(frozen=True, slots=True)
class Space:
    """What a search samples and a sweep enumerates; build it with :func:`make_space`.

    Attributes:
        families: allowed families (registered names).
        options: each choice's allowed values, by choice name (a family samples the
            choices it declares).
        fixed: sizes every design shares, by keyword (given, or stated by the family).
        assumed: the fixed sizes the user did not give (stated in the results).
        convention: the counting convention (``None``: each family's default).
        mode: ``nearest``, ``under`` or ``over`` the budget.
        multiple_of, minimum, maximum: the free size's step and bounds.
        files: the families read from files (``explorer derive --save``), name and path.
        measure: what a budget counts (``None``: parameters; a FLOP or byte measure,
            :mod:`explorer.measures`): every design is solved onto it.
        seq: tokens per sequence of the compute objectives (``macs``, ``flops``), the
            FLOP measure's own; ``None``: not given (they count one token, one time step).
        decoder_seq: an encoder-decoder's decoder length (``None``: ``seq``).
        compute: the compute convention of those objectives (``torch``, ``causal``).
        follows: sizes that follow the free size in the family's own proportion,
            ``(family, keyword, numerator, denominator)``: ``keyword = free x numerator //
            denominator`` (mixtral's d_ff 14,336 at d_model 4,096: d_ff = 3.5 d_model).
        min_head_dim: the narrowest attention head a design may have (d_model / heads, or
            its head_dim); a narrower design has no design at the budget.
    """

    families: tuple[str, ...] = ("lstm",)
    options: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    fixed: tuple[tuple[str, Any], ...] = ()
    assumed: tuple[str, ...] = ()
    convention: str | None = None
    mode: str = "nearest"
    multiple_of: int = 1
    minimum: int | None = None
    maximum: int | None = None
    files: tuple[tuple[str, str], ...] = ()
    measure: Measure | None = None
    seq: int | None = None
    decoder_seq: int | None = None
    compute: str = "torch"
    follows: tuple[tuple[str, str, int, int], ...] = ()
    min_head_dim: int = MIN_HEAD_DIM

    @property
    def unit(self) -> str:
        """What a budget and a design's ``total`` count: ``parameters``, ``FLOPs``,
        ``bytes``."""
        return "parameters" if self.measure is None else self.measure.unit

    @property
    def measured(self) -> str:
        """The measure in words (``forward FLOPs of one 2048-token sequence (torch)``)."""
        return "parameters" if self.measure is None else self.measure.describe()

    def parse_budget(self, value: object) -> int:
        """A budget in the space's unit (``6.5M`` parameters, ``2e12`` FLOPs, ``80GB``).

        Raises:
            explorer.errors.BudgetError: not a budget.
        """
        if self.measure is None:
            from explorer.solver import parse_budget

            return parse_budget(value)
        return self.measure.parse_budget(value)

    def to_design(self, solution: explorer.Solution) -> Design:
        """The :class:`~searches.design.Design` of a solved choice, its compute objectives
        at the space's sequence length."""
        return Design.from_solution(
            solution, seq=self.seq or 1, decoder_seq=self.decoder_seq, compute=self.compute
        )

    def measure_of(self, count: explorer.Count) -> int:
        """What the budget counts of a counted design (its total, by default)."""
        return count.total if self.measure is None else self.measure.of(count)

    def size_names(self) -> tuple[str, ...]:
        """Every size a design of the space may have, by keyword, in the families' order
        (the convention first): the columns of a table of its designs."""
        names = {"convention": None}
        for family in self.families:
            names.update(dict.fromkeys(k.name for k in _family(family).keywords))
        return tuple(names)

    def load(self) -> None:
        """Register the families that come from files (derived formulas), in this
        process: a worker process calls it before its first trial."""
        for name, path in self.files:
            if name not in explorer.FAMILIES:
                from explorer.derivation import register

                register(path)

    def values(self, name: str) -> tuple[Any, ...]:
        """The allowed values of one choice (``()`` when it is not sampled)."""
        return dict(self.options).get(name, ())

    def declared(self, family: str) -> tuple[SearchChoice, ...]:
        """The choices ``family`` declares that this space samples."""
        return tuple(c for c in _family(family).search_choices if self.values(c.name))

    def depths(self, family: str | None = None) -> tuple[int, ...]:
        """The depths the space allows ``family`` (its own depth choice's values), or,
        without a family, those every family shares.

        Raises:
            UsageError: without a family, when the families allow different depths (a
                derived formula's ``num_layers`` beside ``--layers``).

        Example:
            >>> make_space(families=("lstm", "gru"), layers=(2, 4)).depths()
            (2, 4)
        """
        if family is not None:
            return self.values(_family(family).depth) or (1,)
        each = {name: self.depths(name) for name in self.families}
        found = set(each.values())
        if len(found) > 1:
            told = "; ".join(
                f"{name}: {_family(name).depth} {','.join(map(str, depths))}"
                for name, depths in each.items()
            )
            raise UsageError(
                f"a grid study takes one list of depths for every family, and these differ "
                f"({told}): give them the same values, or sweep without --storage/--workers"
            )
        return next(iter(found))

    def choices(self) -> Iterator[Choice]:
        """Every structural choice, families outermost, the depth innermost."""
        for family in self.families:
            declared = self.declared(family)
            depth = _family(family).depth
            ordered = [c for c in declared if c.name != depth] + [
                c for c in declared if c.name == depth
            ]
            for values in itertools.product(*(self.values(c.name) for c in ordered)):
                picks = dict(zip((c.name for c in ordered), values))
                yield Choice(family, tuple((c.name, picks[c.name]) for c in declared))

    @property
    def size(self) -> int:
        """How many structural choices there are."""
        return sum(1 for _ in self.choices())

    def with_depth(self, structure: Choice, depth: int) -> Choice:
        """A structure (a choice without its depth) at one depth, in declared order."""
        name = _family(structure.family).depth
        values = {**dict(structure.picks), name: depth}
        order = [c.name for c in self.declared(structure.family)]
        picks = tuple((n, values[n]) for n in order if n in values)
        if name not in order:
            picks += ((name, depth),)
        return Choice(structure.family, picks)

    def free(self, family: str) -> str:
        """The size the solver fills in for ``family``: the first of its free sizes that
        the space neither fixes nor samples."""
        taken = {k for k, _ in self.fixed} | {c.keyword for c in self.declared(family)}
        order = _family(family).free_order
        return next((name for name in order if name not in taken), order[0])

    def design(self, choice: Choice) -> tuple[dict[str, Any], dict[str, str]]:
        """The sizes and ties of one choice: the fixed sizes, the choices' settings, and
        each ratio choice (and each size that follows the free one) as a tie to the free
        size."""
        family = _family(choice.family)
        free = self.free(choice.family)
        sizes: dict[str, Any] = {k: v for k, v in self.fixed if family.keyword(k) is not None}
        ties: dict[str, str] = {}
        for declared in self.declared(choice.family):
            value = choice.get(declared.name)
            if declared.kind == "ratio":
                keyword, expression = declared.tie(value, free)
                ties[keyword] = expression
            elif value is True or value is False:
                if value:
                    sizes[declared.keyword] = True
            else:
                sizes[declared.keyword] = value
        for keyword, numerator, denominator in self.followers(choice.family):
            ties[keyword] = f"{free}*{numerator}/{denominator}"
        return sizes, ties

    def followers(self, family: str) -> list[tuple[str, int, int]]:
        """The sizes of ``family`` that follow its free size: ``(keyword, numerator,
        denominator)``."""
        return [(k, n, d) for f, k, n, d in self.follows if f == family]

    def tied_sizes(self, choice: Choice, free_value: Any) -> dict[str, Any]:
        """The sizes tied to the free size at ``free_value`` (ints or numpy arrays)."""
        tied: dict[str, Any] = {}
        for declared in self.declared(choice.family):
            if declared.kind == "ratio":
                tied[declared.keyword] = declared.tied(free_value, choice.get(declared.name))
        for keyword, numerator, denominator in self.followers(choice.family):
            tied[keyword] = free_value * numerator // denominator
        return tied

    def solved_sizes(self, family: str) -> tuple[str, ...]:
        """The sizes the solver sets in a design of ``family``: the free size and those
        tied to it."""
        tied = [c.keyword for c in self.declared(family) if c.kind == "ratio"]
        tied += [k for k, _, _ in self.followers(family)]
        return (self.free(family), *dict.fromkeys(tied))

    def too_narrow(self, design: Design) -> str | None:
        """Why ``design``'s attention heads are narrower than :attr:`min_head_dim`, or
        ``None``."""
        sizes = design.sizes
        heads = sizes.get("heads")
        if not isinstance(heads, int) or isinstance(heads, bool) or heads < 1:
            return None
        width = sizes.get("head_dim")
        model = sizes.get("d_model")
        if not isinstance(width, int) or isinstance(width, bool) or width < 1:
            if not isinstance(model, int) or isinstance(model, bool):
                return None
            width = model // heads
            how = f"d_model {model:,} / {heads} heads"
        else:
            how = f"head_dim {width}"
        if width >= self.min_head_dim:
            return None
        return (
            f"heads of width {width} ({how}) are narrower than {self.min_head_dim} "
            "(--min-head-dim N allows them)"
        )

    def concrete(self, choice: Choice, free_value: int) -> dict[str, Any]:
        """The keywords of one design with the free size set (ties computed), the
        convention included: ``explorer.count(family, **sizes)`` counts it."""
        sizes, _ = self.design(choice)
        sizes[self.free(choice.family)] = free_value
        sizes.update(self.tied_sizes(choice, free_value))
        family = _family(choice.family)
        sizes["convention"] = self.convention or family.default_convention
        return sizes

    def solve(self, choice: Choice, *, budget: int) -> explorer.Solution:
        """The exact design of one choice at ``budget`` (the free size solved), a budget
        in the space's unit as :meth:`parse_budget` reads it.

        Raises:
            explorer.errors.BudgetError: no allowed free size meets the budget.
        """
        sizes, ties = self.design(choice)
        return explorer.solve(
            choice.family,
            budget=budget,
            convention=self.convention,
            mode=self.mode,  # type: ignore[arg-type]
            multiple_of=self.multiple_of,
            minimum=self.minimum,
            maximum=self.maximum,
            ties=ties or None,
            measure=self._solving(),
            **sizes,
        )

    def _solving(self) -> Measure | None:
        """The measure a parsed budget is solved in: a budget per token was multiplied
        out to the sequence's when it was read (:meth:`parse_budget`), so it is solved as
        the sequence's."""
        from explorer.measures import Flops

        if isinstance(self.measure, Flops) and self.measure.per == "token":
            return dataclasses.replace(self.measure, per="sequence")
        return self.measure

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (also the fingerprint of a stored study: what a budget counts
        and the compute objectives' sequence are in it when they are not the defaults)."""
        data: dict[str, Any] = {
            "families": list(self.families),
            "options": {name: list(values) for name, values in self.options},
            "fixed": dict(self.fixed),
            "convention": self.convention,
            "mode": self.mode,
            "multiple_of": self.multiple_of,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }
        if self.measure is not None:
            data["measure"] = self.measured
        if self.follows:
            data["follows"] = [list(f) for f in self.follows]
        if self.min_head_dim != MIN_HEAD_DIM:
            data["min_head_dim"] = self.min_head_dim
        for name, value, default in (
            ("seq", self.seq, None),
            ("decoder_seq", self.decoder_seq, None),
            ("compute", self.compute, "torch"),
        ):
            if value != default:
                data[name] = value
        return data


def make_space(
    *,
    families: Sequence[str] = ("lstm",),
    convention: str | None = None,
    mode: str = "nearest",
    multiple_of: int = 1,
    minimum: int | None = None,
    maximum: int | None = None,
    measure: Measure | None = None,
    seq: int | None = None,
    decoder_seq: int | None = None,
    compute: str | None = None,
    min_head_dim: int = MIN_HEAD_DIM,
    **given: Any,
) -> Space:
    """A validated :class:`Space`.

    Args:
        families: the families to choose from.
        convention: the counting convention (``None``: each family's default).
        mode, multiple_of, minimum, maximum: how the free size is solved.
        measure: what a budget counts (``None``: parameters;
            ``explorer.measures.Flops(seq=2048)``, ``explorer.measures.Bytes(...)``).
        min_head_dim: the narrowest attention head allowed (1: any).
        seq, decoder_seq, compute: the sequence (and an encoder-decoder's decoder
            length) and the compute convention of the compute objectives; a FLOP
            measure's own by default, and they must agree with it.
        **given: the families' search choices (``layers=range(1, 5)``,
            ``bidirectional=(False, True)``, ``proj_ratio=(2, 4)``: sequences of values)
            and fixed sizes (``input=39``: one value). A choice not given takes the
            family's declared default; a size not given, the family's assumed one.

    Example:
        >>> make_space(families=("lstpm",))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.UnknownNameError: unknown family 'lstpm'; did you mean 'lstmp'? ...
    """
    names = tuple(dict.fromkeys(families))
    if not names:
        raise InvalidSizeError("give at least one family, e.g. --arch lstm,gru")
    if any(name.endswith(".toml") for name in names):  # a derived formula's file
        from explorer.derivation import family_name

        names = tuple(family_name(name) for name in names)
    chosen = [explorer.families.get_family(name) for name in names]
    names = tuple(f.name for f in chosen)
    files = tuple((f.name, f.source) for f in chosen if f.source)
    if convention is not None and convention not in explorer.CONVENTIONS:
        raise UnknownNameError.for_name("convention", convention, explorer.CONVENTIONS)
    if mode not in MODES:
        raise UnknownNameError.for_name("mode", mode, MODES)
    for name, value in (
        ("multiple_of", multiple_of),
        ("minimum", minimum),
        ("maximum", maximum),
        ("min_head_dim", min_head_dim),
    ):
        _positive(name, value)
        if isinstance(value, int) and value > SIZE_LIMIT:
            raise InvalidSizeError(f"{name} must be at most 10**18, got {value:,}")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidSizeError(f"minimum {minimum} is above maximum {maximum}")
    seq, decoder_seq, compute = _context(measure, seq, decoder_seq, compute)
    declared = {c.name: c for f in chosen for c in f.search_choices}
    options: dict[str, tuple[Any, ...]] = {}
    fixed: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name in declared:
            options[name] = _values(declared[name], value)
        elif any(f.keyword(name) is not None for f in chosen):
            fixed[_keyword_name(chosen, name)] = _fixed(name, value)
        else:
            known = sorted({*declared, *(k.name for f in chosen for k in f.keywords)})
            raise UnknownNameError.for_name("choice or size", name, known)
    for name, choice in declared.items():
        if name not in options and choice.default:
            options[name] = _values(choice, _parse_default(choice))
    for family in chosen:
        _require_choices(family, fixed, options)
    assumed = []
    for family in chosen:
        for keyword in family.keywords:
            free = family.free_order[0]
            if keyword.assumed is None or keyword.name in fixed or keyword.name == free:
                continue
            if any(fixed.get(other) for other in keyword.assumed_unless):
                continue
            fixed[keyword.name] = keyword.assumed
            assumed.append(keyword.name)
    follows = _follows(chosen, fixed, options)
    return Space(
        families=names,
        options=tuple(options.items()),
        fixed=tuple(fixed.items()),
        assumed=tuple(dict.fromkeys(assumed)),
        convention=convention,
        mode=mode,
        multiple_of=multiple_of,
        minimum=minimum,
        maximum=maximum,
        files=files,
        measure=measure,
        seq=seq,
        decoder_seq=decoder_seq,
        compute=compute,
        follows=follows,
        min_head_dim=min_head_dim,
    )


def _require_choices(family: Family, fixed: dict[str, Any], options: dict[str, Any]) -> None:
    """A required size of ``family`` that is a search choice without a default (each
    variable of a derived formula but the solved one) is given: one value, or several to
    sweep. Left out, a sweep took 1 for it (its rows showing ``-``) while a search
    pruned every trial: both now ask for it.

    Raises:
        UsageError: such a size is missing (all of them named, with their options).
    """
    taken = set(fixed) | {c.keyword for c in family.search_choices if c.name in options}
    free = next((n for n in family.free_order if n not in taken), family.free_order[0])
    missing = [
        c
        for c in family.search_choices
        if c.kind == "int"
        and not c.default
        and c.name not in options
        and c.keyword not in fixed
        and c.keyword != free
        and getattr(family.keyword(c.keyword), "required", False)
    ]
    if missing:
        names = " and ".join(c.keyword for c in missing)
        told = " ".join(f"{c.option} N" for c in missing)
        raise UsageError(
            f"{family.name} has no default for {names} (the solver sets {free}): give {told} "
            f"(one value, or a list or range to sweep, e.g. {missing[0].option} 2,4,8)"
        )


def _follows(
    families: Sequence[Family], fixed: dict[str, Any], options: dict[str, tuple[Any, ...]]
) -> tuple[tuple[str, str, int, int], ...]:
    """The sizes that follow the free size in a search: a size a ratio choice may tie to
    it (d_ff by --d-ff-percent) that the user neither fixed nor chose, and that the family
    sets to a constant of its own (mixtral's d_ff 14,336, meant for d_model 4,096) rather
    than by a rule of the free size: it keeps the family's own proportion."""
    found = []
    for family in families:
        free = family.free_order[0]
        free_keyword = family.keyword(free)
        base = None if free_keyword is None else free_keyword.default
        for choice in family.search_choices:
            if choice.kind != "ratio" or choice.name in options or choice.keyword in fixed:
                continue
            keyword = family.keyword(choice.keyword)
            value = None if keyword is None else keyword.default
            if isinstance(value, int) and isinstance(base, int) and value > 0 and base > 0:
                divisor = math.gcd(value, base)
                found.append((family.name, choice.keyword, value // divisor, base // divisor))
    return tuple(found)


def _context(
    measure: Measure | None, seq: int | None, decoder_seq: int | None, compute: str | None
) -> tuple[int | None, int | None, str]:
    """The compute objectives' sequence, decoder length and convention: the ones given,
    else the measure's; refused when the two disagree (one design, one sequence)."""
    from explorer.measures import Bytes, Flops

    for name, value in (("seq", seq), ("decoder_seq", decoder_seq)):
        _positive(name, value)
    if compute is not None:
        Flops(seq=1, compute=compute)  # a known compute convention, or a one-line error
    own_seq: int | None = None
    own_decoder: int | None = None
    own_compute: str | None = None
    if isinstance(measure, Flops | Bytes):
        own_seq, own_decoder = measure.seq, measure.decoder_seq
    if isinstance(measure, Flops):
        own_compute = measure.convention.name
    pairs: tuple[tuple[str, object, object], ...] = (
        ("seq", seq, own_seq),
        ("decoder_seq", decoder_seq, own_decoder),
        ("compute", compute, own_compute),
    )
    for name, mine, theirs in pairs:
        if mine is not None and theirs is not None and mine != theirs:
            raise ConflictError(
                f"{name} {mine} differs from the budget's {name} {theirs}: give one"
            )
    return (
        seq if seq is not None else own_seq,
        decoder_seq if decoder_seq is not None else own_decoder,
        compute or own_compute or "torch",
    )


def _family(name: str) -> Family:
    return explorer.families.get_family(name)


def _keyword_name(families: Sequence[Family], name: str) -> str:
    for family in families:
        keyword = family.keyword(name)
        if keyword is not None:
            return keyword.name
    return name


def _parse_default(choice: SearchChoice) -> tuple[Any, ...]:
    text = choice.default
    return toggle(text) if choice.kind == "bool" else int_choices(text)


def _values(choice: SearchChoice, value: Any) -> tuple[Any, ...]:
    """A choice's allowed values, checked: booleans, or integers at least its minimum."""
    items = tuple(value) if isinstance(value, Sequence | range | set | frozenset) else (value,)
    picked = tuple(sorted(set(items)))
    if not picked:
        raise InvalidSizeError(f"{choice.name} has no choices")
    if choice.kind == "bool":
        if not all(isinstance(v, bool) for v in picked):
            raise InvalidSizeError(f"{choice.name} choices must be True and/or False")
        return picked
    for v in picked:
        _positive(choice.name, v)
        if v < choice.minimum:
            raise InvalidSizeError(
                f"{choice.name} must be at least {choice.minimum}, got {v} ({choice.help})"
            )
    return picked


def _fixed(name: str, value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, int) and value >= 0):
        return value
    raise InvalidSizeError(f"{name} must be a non-negative integer (0: none), got {value!r}")


def _positive(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidSizeError(f"{name} must be a positive integer, got {value!r}")
