"""A Transformer structure's named terms, from the blocks, in the family's names.

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", d_model=768, layers=12, heads=12, vocab=50257, context=1024)
    >>> c.total, c.breakdown["transformer.h.*.attn.c_attn.weight"]
    (124439808, 21233664)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sympy

from explorer.algebra import EVERY, symbol
from explorer.blocks._site import Site
from explorer.blocks.attention import AttentionNames, attention, relative_position_bias
from explorer.blocks.heads import lm_head, masked_lm_head, table
from explorer.blocks.linear import linear, norm
from explorer.blocks.mlp import MlpNames, experts, mlp

if TYPE_CHECKING:
    from explorer.algebra._term import Term
    from explorer.families._transformer_naming import HeadPart, Naming, StackNames
    from explorer.families._transformer_structure import TransformerStructure

__all__ = ["build"]


class _Sizes:
    """The structure's sizes as sympy expressions."""

    def __init__(self, symbols: Mapping[str, str], s: TransformerStructure) -> None:
        by = {name: symbol(text) for name, text in symbols.items()}
        self.d = by["d_model"]
        self.layers = by["layers"]
        self.vocab = by["vocab"]
        self.heads = by["heads"]
        if s.attention == "square":
            self.q_width: sympy.Expr = self.d
            self.kv_width: sympy.Expr = self.d
        else:
            head_dim = by["head_dim"]
            self.q_width = self.heads * head_dim
            self.kv_width = (by["kv_heads"] if s.kv else self.heads) * head_dim
        self.d_ff = 4 * self.d if s.ffn == "times4" else by["d_ff"]
        self.context = by.get("context")
        self.type_vocab = by.get("type_vocab")
        self.experts = by.get("experts")
        self.per_token = by.get("experts_per_token")
        self.decoder_layers = by["decoder_layers"] if s.decoder_depth else self.layers
        self.labels = by.get("labels")
        self.buckets = by.get("buckets")


def build(
    naming: Naming,
    symbols: Mapping[str, str],
    stacks: tuple[StackNames, ...],
    s: TransformerStructure,
) -> tuple[Term, ...]:
    """Embeddings, each stack's layers and final norm, then the head: ``naming`` says
    the parameters' names, ``symbols`` each keyword's symbol, ``stacks`` the layer stacks
    this structure has."""
    z = _Sizes(symbols, s)
    head = naming.head(s.head)
    base = head.prefix
    terms: list[Term] = []
    embeddings = Site(base, "embeddings")
    terms += table(
        embeddings,
        naming.token,
        rows=z.vocab,
        width=z.d,
        title="token embedding",
        extras=(("table", "token"), *_token_facts(s, head.parts, stacks)),
    )
    if s.positions and naming.positions:
        terms += table(
            embeddings,
            naming.positions,
            rows=z.context,
            width=z.d,
            title="position embedding",
            extras=(("table", "position"),),
        )
    if s.type_vocab and naming.types:
        terms += table(
            embeddings,
            naming.types,
            rows=z.type_vocab,
            width=z.d,
            title="token-type embedding",
            extras=(("table", "type"),),
        )
    if naming.embedding_norm:
        terms += norm(
            embeddings, naming.embedding_norm, width=z.d, bias=s.layer_norm, title="embedding norm"
        )
    for stack in stacks:
        terms += _stack(stack, s, z, base, transposed=naming.transposed)
    terms += _head(head.parts, s, z, base)
    return tuple(t for t in terms if _counted(t, s))


def _stack(
    stack: StackNames, s: TransformerStructure, z: _Sizes, base: str, *, transposed: bool
) -> list[Term]:
    depth = z.decoder_layers if stack.decoder else z.layers
    group = _group(stack, s)
    facts = (("stack", group.split()[0]),) if " " in group else ()  # encoder, decoder
    site = Site(base + stack.layer, group, EVERY, depth, facts)
    ffn: tuple[tuple[str, str], ...] = (("d_ff", s.ffn),)
    if s.ffn == "llama":  # how the rule rounds, for the words
        ffn += (("ffn_multiple_of", str(s.rule[0])), ("ffn_dim_multiplier", s.rule[1]))
    terms: list[Term] = []
    for sub in stack.sublayers:
        if sub.kind == "cross" and not (stack.decoder or s.cross_attention):
            continue
        if sub.kind in ("attention", "cross"):
            names = sub.names
            assert isinstance(names, AttentionNames)
            terms += attention(
                site,
                names,
                d_model=z.d,
                q_width=z.q_width,
                kv_width=z.kv_width,
                qkv_bias=s.qkv_bias,
                o_bias=s.o_bias,
                transposed=transposed,
                title="cross-attention" if sub.kind == "cross" else "self-attention",
                block="cross-attention" if sub.kind == "cross" else "attention",
            )
            if sub.kind == "attention" and stack.relative:
                first = Site(base + stack.layer.replace("*", "0"), group, "0", 1, facts)
                terms += relative_position_bias(
                    first, stack.relative, buckets=z.buckets, heads=z.heads
                )
        elif s.experts and stack.experts is not None:
            terms += experts(
                site,
                stack.experts,
                d_model=z.d,
                d_ff=z.d_ff,
                count=z.experts,
                per_token=z.per_token,
                extras=ffn,
            )
        else:
            names = sub.names
            assert isinstance(names, MlpNames)
            if not s.gated:
                names = sub.plain or MlpNames(up=names.up, down=names.down)
            terms += mlp(
                site,
                names,
                d_model=z.d,
                d_ff=z.d_ff,
                bias=s.mlp_bias,
                transposed=transposed,
                extras=ffn,
            )
        if sub.norm:
            what = {"attention": "attention", "cross": "cross-attention", "mlp": "MLP"}[sub.kind]
            terms += norm(site, sub.norm, width=z.d, bias=s.layer_norm, title=f"{what} norm")
    if stack.final_norm:
        final = Site(base, "final norm", extras=(*facts, ("place", "final")))
        terms += norm(final, stack.final_norm, width=z.d, bias=s.layer_norm, title="final norm")
    return terms


def _token_facts(
    s: TransformerStructure, parts: tuple[HeadPart, ...], stacks: tuple[StackNames, ...]
) -> tuple[tuple[str, str], ...]:
    """What else reads the token embedding: a tied head, a second stack."""
    facts: list[tuple[str, str]] = []
    readers = {"lm": "LM head", "mlm": "masked-LM decoder"}
    tied = [readers[p.kind] for p in parts if p.kind in readers]
    if s.tied and tied:
        facts.append(("tied", tied[0]))
    if len(stacks) > 1:
        facts.append(("shared", "encoder and decoder"))
    return tuple(facts)


def _group(stack: StackNames, s: TransformerStructure) -> str:
    if stack.decoder:
        return "decoder layers"
    return "encoder layers" if s.decoder else "layers"


def _head(parts: tuple[HeadPart, ...], s: TransformerStructure, z: _Sizes, base: str) -> list[Term]:
    terms: list[Term] = []
    for part in parts:
        site = Site(base if part.inside else "", "head")
        if part.kind == "lm":
            terms += lm_head(site, part.name, vocab=z.vocab, d_model=z.d, tied=s.tied)
        elif part.kind == "mlm":
            terms += masked_lm_head(
                site, vocab=z.vocab, d_model=z.d, tied=s.tied, norm_bias=s.layer_norm
            )
        else:
            out: Any = {"labels": z.labels, "d_model": z.d}.get(str(part.out), part.out)
            bias = part.bias and (s.classifier_bias or part.bias_flag != "classifier_bias")
            terms += linear(
                site,
                part.name,
                out=sympy.sympify(out),
                inputs=z.d,
                bias=bias,
                title=part.title or ("pooler" if part.kind == "pooler" else part.name),
                block="head",
                extras=(("projection", part.kind), ("out", str(part.out))),
            )
    return terms


def _counted(term: Term, s: TransformerStructure) -> bool:
    """The convention's choice: embeddings, biases and norms counted or not."""
    if term.kind == "embedding":
        return s.embeddings
    if term.kind == "bias":
        return s.biases
    if term.kind == "norm":
        return s.norms
    return True
