"""explorer.count and explorer.formula: keyword-only, validated here, so all below may trust it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.algebra import Count, count_of, slots_of
from explorer.conventions import Convention, resolve_convention
from explorer.families import FAMILIES, get_family

if TYPE_CHECKING:
    from explorer.conventions import ComputeConvention

__all__ = ["COMPUTE_KEYWORDS", "count", "forget_recent", "formula"]

#: The keywords of :func:`count` that size the compute, not the design.
COMPUTE_KEYWORDS = ("seq", "batch", "decoder_seq", "compute")

#: The last requests counted (family, preset, sizes) -> their Count: a design counted
#: again in one process is not parsed again (a Count is immutable). Bounded; forgotten
#: whenever a family is registered or removed.
_RECENT: dict[tuple[Any, ...], Count] = {}
RECENT_LIMIT = 4096


def forget_recent() -> None:
    """Forget the requests remembered (a family was registered or removed)."""
    _RECENT.clear()


FAMILIES.watch(forget_recent)


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
    try:  # types too: True and 1, or 2.0 and 2, are equal keys
        key: tuple[Any, ...] | None = (
            family,
            convention,
            *[(k, type(v), v) for k, v in sizes.items()],
        )
        counted = _RECENT.get(key)  # type: ignore[arg-type]
    except TypeError:  # a list of sizes per layer, a convention object
        key, counted = None, None
    if counted is not None:
        return counted
    seq, batch, decoder_seq, compute = (sizes.pop(name, None) for name in COMPUTE_KEYWORDS)
    counted = _count(family, convention, sizes, symbolic=False)
    if seq is not None or batch is not None or decoder_seq is not None or compute is not None:
        counted = _measured(counted, seq, batch, decoder_seq, compute)
    if key is not None:
        if len(_RECENT) >= RECENT_LIMIT:
            _RECENT.clear()  # dropping the oldest one by one costs more than it saves
        _RECENT[key] = counted
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

    from explorer.conventions import TORCH, compute_convention
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
