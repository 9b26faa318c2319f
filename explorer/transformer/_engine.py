"""The Transformer stack walk: embeddings, each stack's layers (each sublayer's block and
its norm), the final norms, the head. The same walk gives the parameters, the matrix
products of one forward pass, the key/value cache and the activations; what each block
holds, computes and caches is in its module (:mod:`explorer.transformer.blocks`).

Measures beside the parameters:

- ``flops:full`` / ``flops:causal``: every matrix product of one forward pass of B
  sequences of T tokens (an encoder-decoder's decoder reads T_d), as
  ``torch.utils.flop_counter.FlopCounterMode`` counts them with eager attention (experts
  run one by one); ``causal`` counts a causal self-attention's T (T + 1) / 2 query-key
  pairs in place of T^2. Embedding lookups, norms, activations, softmax, biases, rotary
  and relative position terms are not matrix products.
- ``kv``: the elements a decoder's attention caches for B sequences of T tokens (what
  ``past_key_values`` holds after a forward pass).
- ``activations:korthikanti2022`` (``-selective``, ``-full``): the bytes of activations a
  layer keeps for its backward pass by Korthikanti et al. 2022, "Reducing Activation
  Recomputation in Large Transformer Models", eq. (1): s b h (34 + 5 a s / h) per layer
  without recomputation (16-bit activations, 1-byte dropout masks, a GPT layer with a
  4 h MLP, no parallelism), 34 s b h with selective recomputation of the attention
  scores, 2 s b h with full recomputation (the layer inputs only). The formula as
  published, labelled so: it is not adjusted for this design's d_ff or key/value heads.

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", d_model=64, layers=2, heads=4, vocab=100, context=64,
    ...                    seq=16, batch=2)
    >>> c.flops  # FlopCounterMode on GPT2LMHeadModel, eager or sdpa, meta device
    6963200
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from explorer.algebra import EVERY, Role, Slot, Term, symbol
from explorer.blocks import Site
from explorer.errors import ConflictError, typed
from explorer.transformer._sizes import Sizes
from explorer.transformer.blocks import Pass, layer_norm

if TYPE_CHECKING:
    from explorer.families import Keyword
    from explorer.transformer._naming import Naming, StackNames, Sublayer
    from explorer.transformer._structure import TransformerStructure

__all__ = [
    "ACTIVATIONS",
    "Walked",
    "block_complete",
    "block_sizes",
    "cache_terms",
    "compute_terms",
    "measure_slots",
    "measures",
    "param_terms",
]

#: Korthikanti et al. 2022's activation bytes per layer, by recomputation: (the
#: coefficient of s b h, the coefficient of a s^2 b).
ACTIVATIONS = {
    "korthikanti2022": (34, 5),
    "korthikanti2022-selective": (34, 0),
    "korthikanti2022-full": (2, 0),
}


class Walked(Protocol):
    """What the walk reads of a Transformer family."""

    @property
    def name(self) -> str:
        """The family's name."""
        ...

    @property
    def keywords(self) -> tuple[Keyword, ...]:
        """Its keywords (their symbols)."""
        ...

    @property
    def naming(self) -> Naming:
        """Its layout and names."""
        ...

    @property
    def causal(self) -> bool:
        """Its single stack's self-attention is causal."""
        ...

    def stacks(self, s: TransformerStructure) -> tuple[StackNames, ...]:
        """The stacks a structure has."""
        ...

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """Its parameter slots."""
        ...


def _sizes(family: Walked, s: TransformerStructure) -> Sizes:
    return Sizes({k.name: k.symbol for k in family.keywords if k.symbol}, s)


def _group(stack: StackNames, s: TransformerStructure) -> str:
    """The table group of a stack's layers."""
    if stack.decoder:
        return "decoder layers"
    return "encoder layers" if s.decoder else "layers"


def _layers(family: Walked, s: TransformerStructure, z: Sizes, stack: StackNames) -> Site:
    """Where every layer of a stack sits (``*`` for the layer, the depth as copies)."""
    group = _group(stack, s)
    facts = (("stack", group.split()[0]),) if " " in group else ()  # encoder, decoder
    base = family.naming.head(s.head).prefix
    return Site(base + stack.layer, group, EVERY, z.depth(decoder=stack.decoder), facts)


def _sublayers(
    s: TransformerStructure, z: Sizes, stack: StackNames, at: Site
) -> Iterator[tuple[Sublayer, Site]]:
    """The sublayers a structure has in a stack, each where its terms sit (a sublayer of
    some layers only stands for as many copies, and says which)."""
    if stack.decoder and s.decoder_empty:
        return
    for sub in stack.sublayers:
        if sub.when is not None and not sub.when(s, stack):
            continue
        if sub.layers:
            yield (
                sub,
                at._replace(copies=z[sub.layers], extras=(*at.extras, ("layers", sub.layers))),
            )
        else:
            yield sub, at


def _fed(stack: StackNames, stacks: tuple[StackNames, ...]) -> bool:
    """Whether an encoder of the design feeds the stack: a decoder beside an encoder (a
    decoder-only class of an encoder-decoder has none)."""
    return stack.decoder and any(not other.decoder for other in stacks)


def causal_stack(family: Walked, s: TransformerStructure, stack: StackNames) -> bool:
    """A decoder stack, or the single stack of a causal family."""
    return stack.decoder or (family.causal and not s.decoder)


# -- parameters ----------------------------------------------------------------------------------
def param_terms(family: Walked, s: TransformerStructure) -> tuple[Term, ...]:
    """Embeddings, each stack's layers and final norm, then the head."""
    z = _sizes(family, s)
    naming = family.naming
    head = naming.head(s.head)
    base = head.prefix
    stacks = family.stacks(s)
    embeddings = head.embeddings or naming.embeddings
    terms = embeddings.params(Site(base, "embeddings"), z, s, _readers(s, head, stacks))
    for stack in stacks:
        at = _layers(family, s, z, stack)
        first, last = _ends(base, at, stack)
        for block in stack.before:
            terms += block.params(first, z, s)
        for sub, here in _sublayers(s, z, stack, at):
            terms += sub.block.params(here, z, s)
            if sub.norm:
                terms += layer_norm(here, sub.norm, z, s, sub.block.norm_title)
        if stack.final_norm:
            terms += layer_norm(last, stack.final_norm, z, s, "final norm")
        for block in stack.after:
            terms += block.params(last, z, s)
    for part in head.parts:
        terms += part.params(Site(base if part.inside else "", "head"), z, s)
    return tuple(t for t in terms if _counted(t, s))


def _ends(base: str, at: Site, stack: StackNames) -> tuple[Site, Site]:
    """Where a stack's blocks before its first layer and after its last sit (once, under
    the base model): with the embeddings (a decoder's apart from the encoder's, whose
    layers come between), and with the final norm."""
    return (
        Site(base, "decoder embeddings" if stack.decoder else "embeddings", extras=at.extras),
        Site(base, "final norm", extras=(*at.extras, ("place", "final"))),
    )


def _readers(
    s: TransformerStructure, head: Any, stacks: tuple[StackNames, ...]
) -> tuple[tuple[str, str], ...]:
    """What else reads the token embedding: a tied head, a second stack."""
    facts: list[tuple[str, str]] = []
    readers = [p.reader for p in head.parts if p.reader]
    if s.tied and readers:
        facts.append(("tied", readers[0]))
    if len(stacks) > 1:
        facts.append(("shared", "encoder and decoder"))
    return tuple(facts)


def _counted(term: Term, s: TransformerStructure) -> bool:
    """The convention's choice: embeddings, biases and norms counted or not."""
    if term.kind == "embedding":
        return s.embeddings
    if term.kind == "bias":
        return s.biases
    if term.kind == "norm":
        return s.norms
    return True


# -- measures ------------------------------------------------------------------------------------
def measures(family: Walked, s: TransformerStructure) -> tuple[str, ...]:
    """FLOPs (full or causal attention), the KV cache of a decoder, and Korthikanti et
    al. 2022's activations for a single dense stack; none for a model that reads pixels
    (a vision tower: its forward pass is not sized by tokens)."""
    if not family.naming.embeddings.reads_tokens:
        return ()
    found = ["flops:full", "flops:causal"]
    if any(causal_stack(family, s, stack) for stack in family.stacks(s)):
        found.append("kv")
    if not s.decoder and not s.experts:
        found += [f"activations:{name}" for name in ACTIVATIONS]
    return tuple(found)


def measure_slots(family: Walked, s: TransformerStructure, measure: str) -> tuple[Slot, ...]:
    """T and B; an encoder-decoder's decoder length T_d too; for the KV cache of a design
    with sliding-window attention, the positions a windowed layer keeps (T_w) and, where
    local and global layers alternate, how many layers are windowed (L_w): both follow;
    then the sizes the design's blocks derive for the measure (a convolution's padded
    length), which follow too."""
    slots: tuple[Slot, ...] = (Slot("seq", None, "T"), Slot("batch", None, "B"))
    if s.decoder:
        slots += (Slot("decoder_seq", None, "T_d"),)
    if measure == "kv" and s.option("window"):
        slots += (Slot("cached_seq", None, "T_w", True),)
        if some_layers_windowed(s):
            slots += (Slot("window_layers", None, "L_w", True),)
    return slots + tuple(slot for slot, _ in block_sizes(family, s, measure))


def block_sizes(
    family: Walked, s: TransformerStructure, measure: str
) -> tuple[tuple[Slot, Callable[[Mapping[str, Any]], Any]], ...]:
    """The sizes of a forward pass the design's blocks derive (``measure_sizes``: a slot
    that follows others, and how, from the values by keyword, ints or numpy arrays)."""
    found: dict[str, tuple[Slot, Callable[[Mapping[str, Any]], Any]]] = {}
    for stack in family.stacks(s):
        for sub in stack.sublayers:
            declare = getattr(sub.block, "measure_sizes", None)
            if declare is None or (sub.when is not None and not sub.when(s, stack)):
                continue
            for slot, fill in declare(s, measure):
                found.setdefault(slot.keyword, (slot, fill))
    return tuple(found.values())


def block_complete(
    family: Walked,
    s: TransformerStructure,
    measure: str,
    slots: tuple[Slot, ...],
    values: list[Any],
) -> None:
    """Fill the sizes the blocks derive for a measure (see :func:`block_sizes`), in place."""
    at = {slot.keyword: i for i, slot in enumerate(slots)}
    for slot, fill in block_sizes(family, s, measure):
        index = at.get(slot.keyword)
        if index is not None and values[index] is None:
            values[index] = fill({k: values[i] for k, i in at.items()})


def some_layers_windowed(s: TransformerStructure) -> bool:
    """Whether a design with a window has global layers too (a period, a first or a last
    windowed layer)."""
    return any(s.option(name) for name in ("window_period", "window_from", "window_until"))


def window_complete(s: TransformerStructure, slots: tuple[Slot, ...], values: list[Any]) -> None:
    """Fill T_w = min(T, W - 1) (what a windowed layer's cache keeps after a forward pass
    of T tokens) and L_w, the windowed layers among the first m = min(L, u) (u: windowed
    only below layer u; else m = L): m - m // p (every p-th layer global), max(m - f, 0)
    (windowed from layer f on), or m; ints or numpy arrays."""
    at = {slot.keyword: i for i, slot in enumerate(slots)}
    if "cached_seq" in at and values[at["cached_seq"]] is None:
        keep = int(s.option("window")) - 1
        seq = values[at["seq"]]
        values[at["cached_seq"]] = min(seq, keep) if isinstance(seq, int) else seq.clip(max=keep)
    if "window_layers" in at and values[at["window_layers"]] is None:
        layers = values[at["layers"]]
        until = int(s.option("window_until") or 0)
        if until:
            layers = min(layers, until) if isinstance(layers, int) else layers.clip(max=until)
        if s.option("window_period"):
            values[at["window_layers"]] = layers - layers // int(s.option("window_period"))
        elif s.option("window_from"):
            below = layers - int(s.option("window_from"))
            values[at["window_layers"]] = max(below, 0) if isinstance(below, int) else below.clip(0)
        else:
            values[at["window_layers"]] = layers


def compute_terms(family: Walked, s: TransformerStructure, *, causal: bool) -> tuple[Term, ...]:
    """Every matrix product of one forward pass: each present block's, then the head's
    on every position (the LM head computes logits for every position, tied or not; a
    pooler and the classifiers after it read one vector per sequence)."""
    if s.cross_attention and not s.decoder:
        raise ConflictError(
            "cross-attention to an outside encoder reads that encoder's length, which this "
            "design does not have: count its compute without cross_attention"
        )
    z = _sizes(family, s)
    batch, length = symbol("B"), symbol("T")
    decoder_length = symbol("T_d") if s.decoder else length
    head = family.naming.head(s.head)
    terms: list[Term] = []
    stacks = family.stacks(s)
    for stack in stacks:
        own = decoder_length if stack.decoder else length
        at = _layers(family, s, z, stack)
        run = Pass(
            batch, own, length, causal and causal_stack(family, s, stack), _fed(stack, stacks)
        )
        first, last = _ends(head.prefix, at, stack)
        for block in stack.before:
            terms += block.products(first, z, s, run)
        for sub, here in _sublayers(s, z, stack, at):
            terms += sub.block.products(here, z, s, run)
        for block in stack.after:
            terms += block.products(last, z, s, run)
    if any(p.reader for p in head.parts) and "vocab" not in {x.keyword for x in family.slots(s)}:
        raise ConflictError(
            "the LM head's compute reads the vocabulary, which this convention leaves out of "
            "the count: count the compute under the hf convention"
        )
    run = Pass(batch, decoder_length, length, False, False)
    for part in head.parts:
        terms += part.products(Site(head.prefix if part.inside else "", "head"), z, s, run)
    return tuple(terms)


def cache_terms(family: Walked, s: TransformerStructure) -> tuple[Term, ...]:
    """The keys and values every causal stack's attention caches."""
    z = _sizes(family, s)
    batch, length = symbol("B"), symbol("T")
    decoder_length = symbol("T_d") if s.decoder else length
    terms: list[Term] = []
    stacks = family.stacks(s)
    for stack in stacks:
        if not causal_stack(family, s, stack):
            continue
        own = decoder_length if stack.decoder else length
        at = _layers(family, s, z, stack)
        run = Pass(batch, own, length, True, _fed(stack, stacks))
        for sub, here in _sublayers(s, z, stack, at):
            terms += sub.block.cache(here, z, s, run)
    return tuple(terms)


def activation_terms(family: Walked, s: TransformerStructure, formula: str) -> tuple[Term, ...]:
    """Korthikanti et al. 2022's activation bytes of the (single) stack."""
    linear, quadratic = ACTIVATIONS[formula]
    z = _sizes(family, s)
    batch, length = symbol("B"), symbol("T")
    at = _layers(family, s, z, family.stacks(s)[0])
    at = Site(at.prefix, at.group, at.layer, z.layers)
    terms = [
        _activation(
            at,
            "activations",
            (batch, length, z.d),
            f"Korthikanti et al. 2022: {linear} s b h bytes per layer (inputs of the layer's "
            "products, norms and dropout masks, 16-bit)",
            linear,
        )
    ]
    if quadratic:
        heads = z.heads if s.attention != "square" or s.relative else s.heads
        if heads is None:
            raise ConflictError(f"the activation formula reads the heads: give {typed('heads')}")
        terms.append(
            _activation(
                at,
                "attention_activations",
                (batch, heads, length, length),
                "Korthikanti et al. 2022: 5 a s^2 b bytes per layer (softmax output, its "
                "dropout mask and output)",
                quadratic,
            )
        )
    return tuple(terms)


def _activation(at: Site, name: str, shape: tuple[Any, ...], meaning: str, factor: int) -> Term:
    return Term(
        at.name(name),
        "activation",
        shape,
        meaning,
        at.group,
        factor * at.copies,
        Role(name, meaning.split(":", maxsplit=1)[0], at.layer, "", "activations"),
    )


def measure_terms(family: Walked, s: TransformerStructure, measure: str) -> tuple[Term, ...]:
    """The named terms of one measure."""
    if measure.startswith("flops:"):
        return compute_terms(family, s, causal=measure == "flops:causal")
    if measure == "kv":
        return cache_terms(family, s)
    if measure.startswith("activations:"):
        return activation_terms(family, s, measure.split(":", 1)[1])
    raise ConflictError(f"{family.name} declares no {measure} terms")  # pragma: no cover
