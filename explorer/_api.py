"""The public front door: keyword-only, validated here, so everything below may trust it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from explorer.algebra import Count
from explorer.algebra._build import slots_of
from explorer.algebra._codegen import tuple_getter
from explorer.algebra._count import COUNT_FIELDS, count_of, make_count, set_fields
from explorer.conventions import CONVENTIONS, Convention, resolve_convention
from explorer.families import FAMILIES, Family, get_family
from explorer.sizes import MAX_SIZE

if TYPE_CHECKING:
    from explorer.conventions._compute import ComputeConvention

__all__ = ["count", "formula"]


def count(family: str, *, convention: str | Convention | None = None, **sizes: Any) -> Count:
    """Count the parameters of a design exactly (and, given ``seq``, its compute).

    Args:
        family: a registered family (``explorer.FAMILIES``): ``rnn``, ``lstm``, ``lstmp``,
            ``gru`` ...
        convention: a preset of the family's kind (``weights``, ``keras``, ``pytorch``,
            ``sak2014``, ``graves2013`` for recurrent families); ``None``: the family's
            default.
        **sizes: the family's keywords (``explorer.FAMILIES[family].keywords``; recurrent:
            ``input``, ``cells`` (int or one per layer), ``layers`` (default 1),
            ``output``, ``proj``, ``nonrec_proj``, ``bidirectional``, ``merge``, ``vocab``,
            ``tied``) or their aliases (``hidden_size``, ``num_layers`` ...), and the
            convention's flags to override (``bias``, ``peepholes``, ``skip`` ...). Four
            keywords size the compute instead (:data:`COMPUTE_KEYWORDS`):

            - ``seq``: tokens per sequence (time steps of a recurrent network); with it
              the count has ``macs`` and ``flops`` of one forward pass (see
              :attr:`Count.compute`);
            - ``batch``: sequences per forward pass (default 1);
            - ``decoder_seq``: an encoder-decoder's decoder length (default ``seq``);
            - ``compute``: a compute convention (``explorer.conventions``: ``torch``, the
              default, counts what ``FlopCounterMode`` counts; ``causal`` the causal
              saving).

    Example:
        >>> count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34).total
        21166080
        >>> count("lstm", input=39, cells=64, layers=2, seq=10).flops  # FlopCounterMode's
        1182720
        >>> count("lstm", convention="graves2013", input=205, cells=700, layers=5, output=205).total
        21252205
        >>> count("LSTM", input_size=39, hidden_size=1024, num_layers=3).total
        21155840
    """
    # The signature is the contract's, ``(family, *, convention, **sizes)``: each keyword
    # parameter more costs every call a scan of the keywords (a fifth of a warm count).
    if type(family) is str and (convention is None or type(convention) is str):
        # The common request: a preset by name and sizes that are positive ints, in a
        # lane (explorer.families.Lane) whose structure at this depth was counted.
        lane = _LANES.get((family, convention, len(sizes)))
        if lane is not False:
            given = None
            if lane is not None:
                try:
                    given = lane[0](sizes)
                except KeyError:  # as many keywords, other ones
                    given = None
            if given is None:
                lane = _lane_of(family, convention, sizes)
                given = None if lane is None else lane[0](sizes)
            if given is not None:
                for value in given:
                    if type(value) is not int or not 0 < value <= MAX_SIZE:
                        break
                else:
                    run: RunLane = lane  # type: ignore[assignment]  # given: a lane
                    for i, j in run[2]:
                        if given[i] >= given[j]:
                            break
                    else:
                        depth = run[1]
                        fields = run[4].get(1 if depth is None else given[depth])
                        if fields:
                            counted = _NEW(Count)
                            fields = fields.copy()
                            fields["values"] = run[3](given)
                            set_fields(counted, fields)
                            return counted
                        if fields is None:
                            return _first_in_lane(run, given, family, convention, sizes)
    return _count_any(family, convention, sizes)


def _count_any(family: str, convention: str | Convention | None, sizes: dict[str, Any]) -> Count:
    """:func:`count` of any request: the family's quick parser, else a parse (remembered
    for designs named by a preset), and the compute keywords applied."""
    seq, batch, decoder_seq, compute = (sizes.pop(key, None) for key in COMPUTE_KEYWORDS)
    counted = None
    if type(family) is str and (convention is None or type(convention) is str):
        pair = _preset(family, convention)
        if pair is not None:
            fast = pair[0].parse_fast(sizes, pair[1])
            if fast is not None:
                counted = count_of(pair[0], fast[0], pair[1], fast[1])
    if counted is None:
        counted = _remembered_count(family, convention, sizes)
    if seq is None and batch is None and decoder_seq is None and compute is None:
        return counted
    return _measured(counted, seq, batch, decoder_seq, compute)


#: The keywords of :func:`count` that size the compute, not the design.
COMPUTE_KEYWORDS = ("seq", "batch", "decoder_seq", "compute")

#: A lane as the front door runs it: read the values of its keys from the sizes, the
#: index of the depth, the pairs that must stay ordered, read the slot values from the
#: values, and at each depth counted the fields of its counts but their values
#: (``False``: counted otherwise, e.g. through a covering structure); the family and the
#: preset.
RunLane = tuple[
    Callable[[Mapping[str, Any]], tuple[Any, ...]],
    "int | None",
    tuple[tuple[int, int], ...],
    Callable[[tuple[int, ...]], tuple[int, ...]],
    "dict[int, dict[str, Any] | Literal[False]]",
    Family,
    Convention,
]
#: (family name, preset name or None, how many sizes) -> the lane of the last keywords
#: seen (``False``: the family has no lanes)
_LANES: dict[tuple[str, str | None, int], RunLane | Literal[False]] = {}
#: (family name, preset name or None, the keywords in order) -> their lane (``None``:
#: such requests are parsed)
_LANES_BY_KEYS: dict[tuple[str, str | None, tuple[str, ...]], RunLane | None] = {}
_NEW = object.__new__


def _lane_of(family: str, convention: str | None, sizes: Mapping[str, Any]) -> RunLane | None:
    """The lane of requests naming the keywords of ``sizes`` (made on first use and
    remembered), or ``None``: the family or preset is unknown, or it declares no lane."""
    keys = tuple(sizes)
    by_keys = (family, convention, keys)
    if by_keys in _LANES_BY_KEYS:
        lane = _LANES_BY_KEYS[by_keys]
    else:
        lane = None
        pair = _preset(family, convention)
        if pair is not None and not set(keys).intersection(COMPUTE_KEYWORDS):
            declared = pair[0].lane(keys, pair[1])
            if declared is not None:
                lane = (
                    tuple_getter(keys),
                    declared.depth,
                    declared.below,
                    tuple_getter(declared.slots),
                    {},
                    *pair,
                )
        if len(_LANES_BY_KEYS) > 4096:
            _LANES_BY_KEYS.clear()
        _LANES_BY_KEYS[by_keys] = lane
        chosen = FAMILIES.get(family)
        if chosen is not None and type(chosen).lane is Family.lane:
            _LANES[(family, convention, len(keys))] = False
    if lane is not None:
        _LANES[(family, convention, len(keys))] = lane
    return lane


def _first_in_lane(
    lane: RunLane,
    given: tuple[int, ...],
    family: str,
    convention: str | None,
    sizes: dict[str, Any],
) -> Count:
    """The first design of ``lane`` at its depth, counted the usual way; the fields of its
    count are kept for the lane's next designs at that depth when they are the lane's."""
    _, depth_at, _, slot_values, by_depth, chosen, rules = lane
    counted = _count_any(family, convention, sizes)
    if len(by_depth) > 4096:
        by_depth.clear()
    same = (
        counted.family is chosen
        and counted.convention is rules
        and counted.values == slot_values(given)
        and not counted.notes
        and not counted.extents
        and counted.compute_convention is None
    )
    by_depth[1 if depth_at is None else given[depth_at]] = (
        {name: getattr(counted, name) for name in COUNT_FIELDS} if same else False
    )
    return counted


#: (family name, preset name or None) -> the family and the convention, for the fast path
_PRESETS: dict[tuple[str, str | None], tuple[Family, Convention]] = {}


def _preset(family: str, convention: str | None) -> tuple[Family, Convention] | None:
    """The family and the preset a request names, remembered in :data:`_PRESETS`;
    ``None`` when either is unknown or they are of different kinds (the general path
    then explains)."""
    pair = _PRESETS.get((family, convention))
    if pair is not None:
        return pair
    chosen = FAMILIES.get(family)
    rules = None if chosen is None else CONVENTIONS.get(convention or chosen.default_convention)
    if chosen is None or rules is None or chosen.kind != rules.KIND:
        return None
    pair = _PRESETS[(family, convention)] = (chosen, rules)
    return pair


#: (family name, preset name or None, the sizes with their types, a plain size's value
#: left out) -> (the family, the preset, a Count of such a design, the slots that plain
#: sizes fill): a design counted again, or again but for its plain sizes (its depth, its
#: vocabulary ...), is not parsed again.
Fill = tuple[tuple[int, str], ...]  # (slot index, keyword) of each plain size given
_REMEMBERED: dict[tuple[Any, ...], tuple[Family, Convention | None, Count, Fill]] = {}
REMEMBERED_DESIGNS = 1024


def forget_remembered() -> None:
    """Forget every design, lane, family and preset the front door remembers (a family
    was registered or removed; a test starts afresh)."""
    for remembered in (_LANES, _LANES_BY_KEYS, _PRESETS, _REMEMBERED):
        remembered.clear()


FAMILIES.watch(forget_remembered)


def _remembered_count(
    family: str, convention: str | Convention | None, sizes: dict[str, Any]
) -> Count:
    """:func:`_count` of a design, its parse remembered for the last
    :data:`REMEMBERED_DESIGNS` designs named by a preset. A family's plain sizes
    (:attr:`Family.plain_sizes`: any positive int changes only its own slot) are left out
    of the key, so a new depth or vocabulary reuses the parse. Sizes that are not hashable
    (one per layer) and conventions given as objects are parsed afresh; the family and the
    preset are checked by identity, so a family registered again is parsed again.

    Example:
        >>> a = count("llama", d_model=4096, layers=32, heads=32, vocab=32000)
        >>> a.total
        6738415616
        >>> b = count("llama", d_model=4096, layers=40, heads=32, vocab=32000)  # not parsed
        >>> b.structure is a.structure, b.sizes["layers"], b.total
        (True, 40, 8357482496)
    """
    chosen = FAMILIES.get(family) if type(family) is str else None
    if chosen is None or (convention is not None and type(convention) is not str):
        return _count(family, convention, sizes, symbolic=False)
    plain = chosen.plain_sizes
    key_sizes = tuple(
        [
            (k, None, None)
            if k in plain and type(v) is int and 0 < v <= MAX_SIZE
            else (k, type(v), v)  # types too: True and 1, or 2.0 and 2, are equal keys
            for k, v in sizes.items()
        ]
    )
    key = (family, convention, key_sizes)
    try:
        entry = _REMEMBERED.get(key)
    except TypeError:  # a list of sizes per layer
        return _count(family, convention, sizes, symbolic=False)
    preset = CONVENTIONS.get(convention or chosen.default_convention)
    if entry is not None and entry[0] is chosen and entry[1] is preset:
        template, fill = entry[2], entry[3]
        if not fill:
            return template
        values = list(template.values)
        for index, keyword in fill:
            values[index] = sizes[keyword]
        return make_count(
            chosen, template.structure, template.convention, template.compiled, tuple(values)
        )
    counted = _count(family, convention, sizes, symbolic=False)
    given_plain = {k for k, kind, _ in key_sizes if kind is None}
    fill = tuple(
        (index, slot.keyword)
        for index, slot in enumerate(counted.compiled.slots)
        if slot.keyword in given_plain and slot.layer is None
    )
    if len(_REMEMBERED) >= REMEMBERED_DESIGNS:
        _REMEMBERED.clear()  # dropping the oldest one by one costs more than it saves
    _REMEMBERED[key] = (chosen, preset, counted, fill)
    return counted


def formula(
    family: str,
    *,
    convention: str | Convention | None = None,
    seq: int | None = None,
    batch: int | None = None,
    decoder_seq: int | None = None,
    compute: Any = None,
    **sizes: Any,
) -> Count:
    """The count with every size not given left as a symbol, the depth included.

    Optional parts that should be present with a symbolic size are passed as ``True``
    (``output=True`` adds an output layer of ``n_o`` units). The compute's sequence length
    and batch stay symbols (``T``, ``B``) unless given.

    Example:
        >>> formula("lstm", convention="weights", output=True).formula
        8*n_c**2*(L - 1) + 4*n_c**2 + 4*n_c*n_i + n_c*n_o
        >>> formula("rnn", convention="weights", layers=1).compute.formula
        2*B*T*n_c**2 + 2*B*T*n_c*n_i
    """
    return _measured(
        _count(family, convention, sizes, symbolic=True),
        seq,
        batch,
        decoder_seq,
        compute,
        symbolic=True,
    )


def _measured(
    counted: Count,
    seq: object,
    batch: object,
    decoder_seq: object,
    compute: str | ComputeConvention | None,
    *,
    symbolic: bool = False,
) -> Count:
    """The count with its compute convention, and the sequence length and batch its
    measures read (validated here)."""
    import dataclasses

    from explorer.conventions._compute import TORCH, compute_convention
    from explorer.errors import UsageError, named, typed
    from explorer.sizes import positive_int

    rules = TORCH if compute is None else compute_convention(compute)
    if seq is None and not symbolic:
        if batch is not None or decoder_seq is not None:
            raise UsageError(
                f"{named('batch')} and {named('decoder_seq')} size a forward pass: give "
                f"{typed('seq', placeholder='T')} too"
            )
        return counted if rules is TORCH else dataclasses.replace(counted, compute_convention=rules)
    extents: dict[str, int] = {}
    if seq is not None:
        extents["seq"] = positive_int("seq", seq)
        extents["batch"] = 1 if batch is None else positive_int("batch", batch)
        extents["decoder_seq"] = (
            extents["seq"] if decoder_seq is None else positive_int("decoder_seq", decoder_seq)
        )
    else:
        for name, value in (("batch", batch), ("decoder_seq", decoder_seq)):
            if value is not None:
                extents[name] = positive_int(name, value)
    return dataclasses.replace(
        counted, extents=tuple(sorted(extents.items())), compute_convention=rules
    )


def _count(
    family: str, convention: str | Convention | None, sizes: dict[str, Any], *, symbolic: bool
) -> Count:
    chosen = get_family(family)
    given = chosen.canonical(sizes)
    overrides = {f.name: given.pop(f.name) for f in chosen.flags if f.name in given}
    rules = resolve_convention(
        chosen.default_convention if convention is None else convention,
        kind=chosen.kind,
        **overrides,
    )
    structure, values = chosen.parse(given, rules, explicit=overrides, symbolic=symbolic)
    bound = tuple(
        values[s.keyword]
        if s.layer is None or values[s.keyword] is None
        else values[s.keyword][s.layer]
        for s in slots_of(chosen, structure)
    )
    return count_of(chosen, structure, rules, bound)
