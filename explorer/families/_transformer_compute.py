"""A Transformer structure's measures beside its parameters, in the family's names.

- ``flops:full`` / ``flops:causal``: every matrix product of one forward pass of B
  sequences of T tokens (an encoder-decoder's decoder reads T_d), as
  ``torch.utils.flop_counter.FlopCounterMode`` counts them with eager attention:
  projections (queries, keys, values, output), the attention scores Q K^T and weighted
  values A V over all heads (grouped key/value heads are repeated to the query heads, so
  the products are the query heads'), the MLP or, in a mixture of experts, the router
  over all E experts and the k experts each token is routed to, and the head on every
  position (the LM head computes logits for every position, tied to the embedding or
  not; a pooler and the classifiers after it read one vector per sequence). Embedding
  lookups, norms, activations, softmax, biases, rotary and relative position terms are
  not matrix products. ``causal`` counts a causal self-attention's T (T + 1) / 2
  query-key pairs in place of T^2.
- ``kv``: the elements a decoder's attention caches for B sequences of T tokens: keys and
  values of every layer, kv_heads x head_dim wide (grouped-query attention caches fewer
  heads than it queries), and an encoder-decoder's cross-attention keys and values over
  the encoder's T tokens; what ``past_key_values`` holds after a forward pass.
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

from typing import TYPE_CHECKING, Any

import sympy

from explorer.algebra import EVERY, Role
from explorer.algebra._symbols import symbol
from explorer.blocks._site import Site
from explorer.blocks.attention import AttentionNames
from explorer.blocks.mlp import MlpNames
from explorer.blocks.products import ATTENTION, causal_pairs, product
from explorer.errors import ConflictError, typed
from explorer.families._transformer_measures import (
    ACTIVATIONS,
    Measured,
    causal_stack,
    stack_group,
)

if TYPE_CHECKING:
    from explorer.algebra._term import Term
    from explorer.families._transformer_naming import HeadPart, StackNames
    from explorer.families._transformer_structure import TransformerStructure

__all__ = ["measure_terms"]


def measure_terms(family: Measured, s: TransformerStructure, measure: str) -> tuple[Term, ...]:
    """The named terms of one measure."""
    from explorer.families._transformer_terms import _Sizes

    z = _Sizes({k.name: k.symbol for k in family.keywords if k.symbol}, s)
    if measure.startswith("flops:"):
        return _compute(family, s, z, causal=measure == "flops:causal")
    if measure == "kv":
        return _cache(family, s, z)
    if measure.startswith("activations:"):
        return _activations(family, s, z, measure.split(":", 1)[1])
    raise ConflictError(f"{family.name} declares no {measure} terms")  # pragma: no cover


# -- compute ----------------------------------------------------------------------------
def _compute(
    family: Measured, s: TransformerStructure, z: Any, *, causal: bool
) -> tuple[Term, ...]:
    if s.cross_attention and not s.decoder:
        raise ConflictError(
            "cross-attention to an outside encoder reads that encoder's length, which this "
            "design does not have: count its compute without cross_attention"
        )
    batch, length = symbol("B"), symbol("T")
    decoder_length = symbol("T_d") if s.decoder else length
    base = family.naming.head(s.head).prefix
    terms: list[Term] = []
    for stack in family.stacks(s):
        own = decoder_length if stack.decoder else length
        depth = z.decoder_layers if stack.decoder else z.layers
        site = Site(base + stack.layer, stack_group(stack, s), EVERY, depth)
        for sub in stack.sublayers:
            if sub.kind == "cross" and not stack.decoder:
                continue
            if sub.kind in ("attention", "cross"):
                names = sub.names
                assert isinstance(names, AttentionNames)
                cross = sub.kind == "cross"
                terms += _attention(
                    site,
                    names,
                    z,
                    batch=batch,
                    length=own,
                    keys=length if cross else own,
                    cross=cross,
                    causal=causal and not cross and causal_stack(family, s, stack),
                )
            elif s.experts and stack.experts is not None:
                terms += _experts(site, stack, z, rows=batch * own)
            else:
                names = sub.names
                assert isinstance(names, MlpNames)
                if not s.gated:
                    names = sub.plain or MlpNames(up=names.up, down=names.down)
                terms += _mlp(site, names, z, rows=batch * own)
    rows = batch * decoder_length
    for part in family.naming.head(s.head).parts:
        terms += _head(family, s, part, z, base=base, rows=rows, sequences=batch)
    return tuple(terms)


def _attention(
    site: Site,
    names: AttentionNames,
    z: Any,
    *,
    batch: sympy.Expr,
    length: sympy.Expr,
    keys: sympy.Expr,
    cross: bool,
    causal: bool,
) -> list[Term]:
    what = "cross-attention" if cross else "self-attention"
    block = "cross-attention" if cross else "attention"
    rows, source = batch * length, batch * keys

    def project(
        name: str, rows: sympy.Expr, out: sympy.Expr, inputs: sympy.Expr, title: str
    ) -> Term:
        return _product(site, name, rows=rows, out=out, inputs=inputs, title=title, block=block)

    terms: list[Term] = []
    if names.qkv:
        terms.append(
            project(names.qkv, rows, z.q_width + 2 * z.kv_width, z.d, f"{what} query, key, value")
        )
    else:
        terms.append(project(names.q, rows, z.q_width, z.d, f"{what} query"))
        if names.kv:
            terms.append(project(names.kv, source, 2 * z.kv_width, z.d, f"{what} key and value"))
        else:
            terms.append(project(names.k, source, z.kv_width, z.d, f"{what} key"))
            terms.append(project(names.v, source, z.kv_width, z.d, f"{what} value"))
    module = (names.qkv or names.q).rsplit(".", 1)[0]
    for part, title in (("scores", "scores Q K^T"), ("context", "weighted values A V")):
        name = site.name(f"{module}.{part}")
        role = site.role(f"{module}.{part}", f"{what} {title}", block=block)
        if causal:
            terms.append(
                causal_pairs(
                    name,
                    width=batch * z.q_width,
                    length=length,
                    meaning=f"{what} {title}, causal: query i meets keys 0..i, "
                    "T (T + 1) / 2 pairs of every head",
                    group=site.group,
                    copies=site.copies,
                    role=role,
                )
            )
        else:
            out, inputs = (keys, z.q_width) if part == "scores" else (z.q_width, keys)
            terms.append(
                product(
                    name,
                    rows=rows,
                    out=out,
                    inputs=inputs,
                    meaning=f"{what} {title} of every head over the full square",
                    group=site.group,
                    copies=site.copies,
                    role=role,
                    kind=ATTENTION,
                )
            )
    terms.append(project(names.o, rows, z.d, z.q_width, f"{what} output"))
    return terms


def _mlp(site: Site, names: MlpNames, z: Any, *, rows: sympy.Expr) -> list[Term]:
    terms = []
    if names.gate:
        terms.append(
            _product(site, names.gate, rows=rows, out=z.d_ff, inputs=z.d, title="MLP gate")
        )
    terms.append(_product(site, names.up, rows=rows, out=z.d_ff, inputs=z.d, title="MLP up"))
    terms.append(_product(site, names.down, rows=rows, out=z.d, inputs=z.d_ff, title="MLP down"))
    return terms


def _experts(site: Site, stack: StackNames, z: Any, *, rows: sympy.Expr) -> list[Term]:
    names = stack.experts
    assert names is not None
    routed = rows * z.per_token  # each token through its k experts (batched_mm's pairs)
    block = "experts"
    return [
        _product(site, names.router, rows=rows, out=z.experts, inputs=z.d, title="router",
                 block=block),
        _product(site, names.gate_up, rows=routed, out=2 * z.d_ff, inputs=z.d,
                 title="routed experts' gate and up (k per token)", block=block),
        _product(site, names.down, rows=routed, out=z.d, inputs=z.d_ff,
                 title="routed experts' down (k per token)", block=block),
    ]  # fmt: skip


def _head(
    family: Measured,
    s: TransformerStructure,
    part: HeadPart,
    z: Any,
    *,
    base: str,
    rows: sympy.Expr,
    sequences: sympy.Expr,
) -> list[Term]:
    site = Site(base if part.inside else "", "head")
    if part.kind in ("lm", "mlm") and "vocab" not in {x.keyword for x in family.slots(s)}:
        raise ConflictError(
            "the LM head's compute reads the vocabulary, which this convention leaves out of "
            "the count: count the compute under the hf convention"
        )
    if part.kind == "lm":
        tied = " (the token embedding's matrix)" if s.tied else ""
        return [
            _product(site, part.name, rows=rows, out=z.vocab, inputs=z.d,
                     title=f"LM head{tied}, logits at every position", block="head")
        ]  # fmt: skip
    if part.kind == "mlm":
        return [
            _product(site, "cls.predictions.transform.dense", rows=rows, out=z.d, inputs=z.d,
                     title="masked-LM transform", block="head"),
            _product(site, "cls.predictions.decoder", rows=rows, out=z.vocab, inputs=z.d,
                     title="masked-LM decoder, logits at every position", block="head"),
        ]  # fmt: skip
    if part.kind == "pooler":
        return [
            _product(site, part.name, rows=sequences, out=z.d, inputs=z.d,
                     title="pooler, one token per sequence", block="head")
        ]  # fmt: skip
    out: Any = {"labels": z.labels, "d_model": z.d}.get(str(part.out), part.out)
    per = "one vector per sequence" if part.per_sequence else "every position"
    return [
        _product(site, part.name, rows=sequences if part.per_sequence else rows,
                 out=sympy.sympify(out), inputs=z.d, title=f"{part.title or part.name}, {per}",
                 block="head")
    ]  # fmt: skip


def _product(
    site: Site,
    name: str,
    *,
    rows: sympy.Expr,
    out: sympy.Expr,
    inputs: sympy.Expr,
    title: str,
    block: str = "mlp",
) -> Term:
    return product(
        site.name(name),
        rows=rows,
        out=out,
        inputs=inputs,
        meaning=f"{title}: rows x outputs x inputs",
        group=site.group,
        copies=site.copies,
        role=site.role(name, title, block=block),
    )


# -- the key/value cache ---------------------------------------------------------------
def _cache(family: Measured, s: TransformerStructure, z: Any) -> tuple[Term, ...]:
    batch, length = symbol("B"), symbol("T")
    decoder_length = symbol("T_d") if s.decoder else length
    base = family.naming.head(s.head).prefix
    terms: list[Term] = []
    for stack in family.stacks(s):
        if not causal_stack(family, s, stack):
            continue
        own = decoder_length if stack.decoder else length
        depth = z.decoder_layers if stack.decoder else z.layers
        site = Site(base + stack.layer, stack_group(stack, s), EVERY, depth)
        for sub in stack.sublayers:
            if sub.kind not in ("attention", "cross") or (
                sub.kind == "cross" and not stack.decoder
            ):
                continue
            names = sub.names
            assert isinstance(names, AttentionNames)
            module = (names.qkv or names.q).rsplit(".", 1)[0]
            cross = sub.kind == "cross"
            tokens = length if cross else own
            what = "cross-attention" if cross else "self-attention"
            for part in ("keys", "values"):
                terms.append(
                    _term(
                        site,
                        f"{module}.{part}",
                        "cache",
                        (batch, tokens, z.kv_width),
                        f"{what} {part} cached: sequences x tokens x (kv_heads x head_dim)",
                        block="kv cache",
                    )
                )
    return tuple(terms)


# -- activations by Korthikanti et al. 2022 ---------------------------------------------
def _activations(
    family: Measured, s: TransformerStructure, z: Any, formula: str
) -> tuple[Term, ...]:
    linear, quadratic = ACTIVATIONS[formula]
    batch, length = symbol("B"), symbol("T")
    stack = family.stacks(s)[0]
    base = family.naming.head(s.head).prefix
    site = Site(base + stack.layer, stack_group(stack, s), EVERY, z.layers)
    terms = [
        _term(
            site,
            "activations",
            "activation",
            (batch, length, z.d),
            f"Korthikanti et al. 2022: {linear} s b h bytes per layer (inputs of the layer's "
            "products, norms and dropout masks, 16-bit)",
            block="activations",
            factor=linear,
        )
    ]
    if quadratic:
        heads = z.heads if s.attention != "square" or s.relative else s.heads
        if heads is None:
            raise ConflictError(f"the activation formula reads the heads: give {typed('heads')}")
        terms.append(
            _term(
                site,
                "attention_activations",
                "activation",
                (batch, sympy.sympify(heads), length, length),
                "Korthikanti et al. 2022: 5 a s^2 b bytes per layer (softmax output, its "
                "dropout mask and output)",
                block="activations",
                factor=quadratic,
            )
        )
    return tuple(terms)


def _term(
    site: Site,
    name: str,
    kind: str,
    shape: tuple[sympy.Expr, ...],
    meaning: str,
    *,
    block: str,
    factor: int = 1,
) -> Term:
    from explorer.algebra._term import Term

    return Term(
        site.name(name),
        kind,
        shape,
        meaning,
        site.group,
        factor * site.copies,
        Role(name, meaning.split(":", maxsplit=1)[0], site.layer, "", block),
    )
