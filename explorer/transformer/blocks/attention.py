"""Attention: query, key, value and output projections (separate or fused), T5's relative
position bias, their matrix products (the projections, the scores Q K^T and the weighted
values A V over every head, full or causal), the keys and values a decoder caches, and the
words that say why each has its shape.

Query width = heads x head_dim; key and value width = kv_heads x head_dim (multi-head when
``kv_heads = heads``, grouped-query when fewer, multi-query when 1). Fused variants: one
``qkv`` matrix (GPT-NeoX ``query_key_value``, GPT-2 ``c_attn``), or a fused ``kv`` beside
a separate query (GPT-2's cross-attention).

Example:
    >>> import explorer
    >>> c = explorer.count("llama", d_model=64, layers=1, heads=4, kv_heads=2, vocab=10)
    >>> c.breakdown["model.layers.*.self_attn.k_proj.weight"]  # 2 heads of 16 read 64
    2048
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Term, symbol
from explorer.blocks import (
    ATTENTION,
    DimensionLike,
    Network,
    causal_pairs,
    linear,
    product,
    projection,
    words,
)
from explorer.transformer.blocks._words import Heads, Matrix, copies, is_bias, times

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Attention", "AttentionNames", "score_products"]


class AttentionNames(NamedTuple):
    """The local names of one attention's matrices (a framework's vocabulary).

    Set ``q``, ``k``, ``v`` for separate projections, ``qkv`` for one fused matrix, or
    ``q`` and ``kv`` for a separate query and fused key-value; ``o`` is the output.
    """

    q: str = ""
    k: str = ""
    v: str = ""
    o: str = ""
    qkv: str = ""
    kv: str = ""

    @property
    def module(self) -> str:
        """The attention module's own name (``self_attn``), for its products' names."""
        return (self.qkv or self.q).rsplit(".", 1)[0]


class Attention(NamedTuple):
    """A self-attention, or (``cross``) a cross-attention over an encoder's output.

    Attributes:
        names: the local names of its matrices.
        cross: it reads keys and values from the encoder (a decoder's second sublayer).
        transposed: weights stored [in, out] (GPT-2's ``Conv1D``).
        relative: the local name of T5's relative position bias, stored in the first
            layer of the stack and shared by all its layers; ``""``: none.
        qkv_bias_flag: the keyword of a flag of the family's own that sets the query, key
            and value biases alone (StableLM's ``use_qkv_bias``: the output has none);
            ``""``: the structure's biases.
        gate: the query projection also makes an output gate as wide as the queries
            (Qwen3-Next, Qwen3.5: ``q_proj`` is 2 x heads x head_dim; the heads' output is
            multiplied by its sigmoid, elementwise).
    """

    names: AttentionNames
    cross: bool = False
    transposed: bool = False
    relative: str = ""
    qkv_bias_flag: str = ""
    gate: bool = False

    @property
    def what(self) -> str:
        return "cross-attention" if self.cross else "self-attention"

    @property
    def block(self) -> str:
        return "cross-attention" if self.cross else "attention"

    @property
    def norm_title(self) -> str:
        return f"{self.block} norm"

    # -- parameters ------------------------------------------------------------------------
    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The projections in, the output back to ``d_model``; each role says which
        projection it is (``("projection", "q")``: ``q``, ``k``, ``v``, ``qkv``, ``kv``,
        ``o``); then T5's relative position bias, in the first layer."""
        names, d_model = self.names, z.d

        def projection(name: str, out: Any, what: str, code: str, bias: bool) -> list[Term]:
            return linear(
                at,
                name,
                out=out,
                inputs=z.q_width if code == "o" else d_model,
                bias=bias,
                title=f"{self.what} {what}",
                block=self.block,
                transposed=self.transposed,
                extras=(("projection", code),),
            )

        qkv_bias, o_bias = s.qkv_bias, s.o_bias
        if self.qkv_bias_flag:
            qkv_bias, o_bias = bool(s.option(self.qkv_bias_flag)), False
        if names.qkv:
            terms = projection(
                names.qkv, z.q_width + 2 * z.kv_width, "query, key and value", "qkv", qkv_bias
            )
        else:
            terms = projection(names.q, self._queries(z), self._query_title, "q", qkv_bias)
            if names.kv:
                terms += projection(names.kv, 2 * z.kv_width, "key and value", "kv", qkv_bias)
            else:
                terms += projection(names.k, z.kv_width, "key", "k", qkv_bias)
                terms += projection(names.v, z.kv_width, "value", "v", qkv_bias)
        terms += projection(names.o, d_model, "output", "o", o_bias)
        if self.relative and s.relative:
            terms += _relative_bias(at, self.relative, buckets=z.buckets, heads=z.heads)
        return terms

    def _queries(self, z: Sizes) -> Any:
        """The query projection's width (twice the queries' with an output gate)."""
        return 2 * z.q_width if self.gate else z.q_width

    @property
    def _query_title(self) -> str:
        return "query and output gate" if self.gate else "query"

    # -- a forward pass --------------------------------------------------------------------
    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The projections over every position, the scores Q K^T and weighted values A V
        of every query head (grouped key/value heads are repeated to the query heads);
        causal: query i meets keys 0..i, T (T + 1) / 2 pairs. A cross-attention with no
        encoder of the design feeding it (a decoder-only class of an encoder-decoder) runs
        only when given one's output, which transformers skips otherwise: no products."""
        if self.cross and not run.encoder:
            return []
        names = self.names
        keys = run.source if self.cross else run.length
        rows, source = run.rows, run.batch * keys
        causal = run.causal and not self.cross

        def project(name: str, rows: Any, out: Any, inputs: Any, title: str) -> Term:
            return projection(
                at,
                name,
                rows=rows,
                out=out,
                inputs=inputs,
                title=title,
                block=self.block,
            )

        what = self.what
        terms: list[Term] = []
        if names.qkv:
            terms.append(
                project(
                    names.qkv, rows, z.q_width + 2 * z.kv_width, z.d, f"{what} query, key, value"
                )
            )
        else:
            terms.append(
                project(names.q, rows, self._queries(z), z.d, f"{what} {self._query_title}")
            )
            if names.kv:
                terms.append(
                    project(names.kv, source, 2 * z.kv_width, z.d, f"{what} key and value")
                )
            else:
                terms.append(project(names.k, source, z.kv_width, z.d, f"{what} key"))
                terms.append(project(names.v, source, z.kv_width, z.d, f"{what} value"))
        terms += score_products(
            at,
            names.module,
            what,
            self.block,
            run,
            keys=keys,
            widths=(z.q_width, z.q_width),
            causal=causal,
        )
        terms.append(project(names.o, rows, z.d, z.q_width, f"{what} output"))
        return terms

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Keys and values of every position, kv_heads x head_dim wide (a cross-attention
        caches the encoder's T positions; to an outside encoder, nothing this design sizes)."""
        if self.cross and not run.encoder:
            return []
        tokens = run.source if self.cross else run.length
        if self.cross or not s.option("window"):
            return self._cached(at, z, run.batch, tokens, copies=at.copies, prefix="")
        windowed = symbol("T_w")  # min(T, W - 1): the family fills it
        if not any(s.option(name) for name in ("window_period", "window_from", "window_until")):
            return self._cached(at, z, run.batch, windowed, copies=at.copies, prefix="window_")
        local = symbol("L_w")  # the layers that attend through the window
        return self._cached(
            at, z, run.batch, tokens, copies=at.copies - local, prefix=""
        ) + self._cached(at, z, run.batch, windowed, copies=local, prefix="window_")

    def _cached(
        self, at: Site, z: Sizes, batch: Any, tokens: Any, *, copies: Any, prefix: str
    ) -> list[Term]:
        where = "in a windowed layer (the last W - 1 positions)" if prefix else ""
        return [
            Term(
                at.name(f"{self.names.module}.{prefix}{part}"),
                "cache",
                (batch, tokens, z.kv_width),
                f"{self.what} {part} cached{' ' + where if where else ''}: sequences x tokens x "
                "(kv_heads x head_dim)",
                at.group,
                copies,
                Role(
                    f"{self.names.module}.{prefix}{part}",
                    f"{self.what} {part} cached",
                    at.layer,
                    "",
                    "kv cache",
                ),
            )
            for part in ("keys", "values")
        ]


def score_products(
    at: Site,
    module: str,
    what: str,
    block: str,
    run: Pass,
    *,
    keys: Any,
    widths: tuple[Any, Any],
    causal: bool,
) -> list[Term]:
    """The scores Q K^T and the weighted values A V of every head, as two products of
    ``module`` (``widths``: the scores' and the values' width over all heads; ``keys``:
    the positions a query meets): over the full square, or causal, where query i meets
    keys 0..i (T (T + 1) / 2 pairs).

    Example:
        >>> import sympy
        >>> from explorer.blocks import Site
        >>> from explorer.transformer.blocks._block import Pass
        >>> B, T, w = sympy.symbols("B T w", positive=True)
        >>> scores, values = score_products(Site("", "attention"), "attn", "self-attention",
        ...     "attention", Pass(B, T, T, causal=False), keys=T, widths=(w, w), causal=False)
        >>> scores.expr, values.name
        (2*B*T**2*w, 'attn.context')
    """
    terms: list[Term] = []
    for part, width, title in (
        ("scores", widths[0], "scores Q K^T"),
        ("context", widths[1], "weighted values A V"),
    ):
        name = at.name(f"{module}.{part}")
        role = at.role(f"{module}.{part}", f"{what} {title}", block=block)
        if causal:
            terms.append(
                causal_pairs(
                    name,
                    width=run.batch * width,
                    length=run.length,
                    meaning=f"{what} {title}, causal: query i meets keys 0..i, "
                    "T (T + 1) / 2 pairs of every head",
                    group=at.group,
                    copies=at.copies,
                    role=role,
                )
            )
        else:
            out, inputs = (keys, width) if part == "scores" else (width, keys)
            terms.append(
                product(
                    name,
                    rows=run.rows,
                    out=out,
                    inputs=inputs,
                    meaning=f"{what} {title} of every head over the full square",
                    group=at.group,
                    copies=at.copies,
                    role=role,
                    kind=ATTENTION,
                )
            )
    return terms


def _relative_bias(at: Site, name: str, *, buckets: Any, heads: Any) -> list[Term]:
    """T5's learned relative position bias: one scalar per distance bucket and head,
    shared by every layer of its stack, stored in the first layer (Raffel et al. 2020)."""
    first = at._replace(prefix=at.prefix.replace("*", "0", 1), layer="0", copies=1)
    return [
        Term(
            first.name(name + ".weight"),
            "embedding",
            (buckets, heads),
            "relative position bias: one value per distance bucket and head",
            first.group,
            first.copies,
            first.role(name, "relative position bias", block="relative position bias"),
        )
    ]


# -- words ------------------------------------------------------------------------------------
@words("attention", "cross-attention")
def _attention_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    heads = Heads.of(network)
    if is_bias(numbers):
        return _attention_bias(code, numbers[0], heads, role) + copies(role, network)
    matrix = Matrix.of(role, numbers)
    cross = role.block == "cross-attention"
    stream = "the decoder's" if cross else "the"
    reads = f"{stream} {matrix.inputs}-wide residual stream"
    if code == "q" and role.title.endswith("output gate"):
        split = heads.split(matrix.out // 2)
        queries = (
            f"{matrix.out // 2} queries"
            if split is None
            else f"{split[0]} query heads of {split[1]}"
        )
        text = (
            f"the {queries} and as wide an output gate (its sigmoid scales the heads' output) "
            f"read {reads}: {matrix.text()}"
        )
    elif code == "q":
        split = heads.split(matrix.out)
        if split is None:
            text = f"the {matrix.out} query features read {reads}: {matrix.text()}"
        else:
            n, width = split
            text = f"each of the {n} query heads of {width} reads {reads}: " + matrix.text(
                times(n, width) if n > 1 else None
            )
    elif code in ("k", "v", "kv"):
        text = _keys_values(code, matrix, heads, cross)
    elif code == "qkv":
        text = _fused(role, matrix, heads)
    else:  # the output projection
        split = heads.split(matrix.inputs)
        what = (
            f"the {matrix.inputs} outputs of the heads"
            if split is None
            else f"the outputs of the {split[0]} heads ({times(*split)}, concatenated)"
        )
        text = (
            f"{what} are projected back to the {matrix.out}-wide residual stream: " + matrix.text()
        )
    return text + copies(role, network)


def _keys_values(code: str, matrix: Matrix, heads: Heads, cross: bool) -> str:
    """Keys or values (or both, fused): how many key/value heads, shared how."""
    what = {"k": "key", "v": "value", "kv": "key and value"}[code]
    width = matrix.out // 2 if code == "kv" else matrix.out
    source = (
        f"the encoder's {matrix.inputs}-wide output"
        if cross
        else f"the {matrix.inputs}-wide residual stream"
    )
    fused = "keys and values in one matrix: " if code == "kv" else ""
    split = heads.split(width)
    if split is None:
        return f"{fused}the {width} {what} features read {source}: {matrix.text()}"
    n, head_dim = split
    rows = times(2, n, head_dim) if code == "kv" else times(n, head_dim)
    if heads.heads is None or n == heads.heads:
        share = f"one {what} head per query head ({n} of {head_dim}: multi-head attention)"
        return f"{fused}{share} reads {source}: {matrix.text(rows)}"
    if n == 1:
        share = (
            f"one {what} head of {head_dim} shared by all {heads.heads} query heads "
            "(multi-query attention)"
        )
        return f"{fused}{share} reads {source}: {matrix.text(rows)}"
    group = f"groups of {heads.heads // n}" if heads.heads % n == 0 else "groups"
    return (
        f"{fused}{n} key/value heads shared by {group} query heads (grouped-query "
        f"attention), each {what} head {head_dim} wide, read {source}: {matrix.text(rows)}"
    )


def _qkv_width(width: int, heads: Heads) -> str:
    """The width of a fused query, key and value: ``3 x 768``, or ``128 + 2 x 32`` with
    fewer key/value heads."""
    if heads.heads and heads.head_dim:
        query = heads.heads * heads.head_dim
        kv, left = divmod(width - query, 2)
        if not left and kv > 0:
            return f"3 x {query}" if kv == query else f"{query} + 2 x {kv}"
    return str(width)


def _fused(role: Role, matrix: Matrix, heads: Heads) -> str:
    """Query, key and value in one matrix (GPT-2's ``c_attn``, GPT-NeoX's
    ``query_key_value``)."""
    local = role.part.rsplit(".", 1)[-1]
    stored = ", stored [in, out]" if matrix.transposed else ""
    of_heads = f" of the {heads.heads} heads" if heads.heads else ""
    along = "columns" if matrix.transposed else "rows"
    return (
        f"query, key and value{of_heads} in one matrix ({local}{stored}): "
        f"{_qkv_width(matrix.out, heads)} {along}, each reading the {matrix.inputs}-wide "
        "residual stream"
    )


def _attention_bias(code: str, width: int, heads: Heads, role: Role) -> str:
    if code == "o":
        return f"one bias per feature of the {width}-wide residual stream, added after the heads"
    what = {
        "q": "query feature",
        "k": "key feature",
        "v": "value feature",
        "kv": "key and value feature",
        "qkv": "output of the fused query, key and value",
    }[code]
    if code == "qkv":
        return f"one bias per {what} ({_qkv_width(width, heads)})"
    split = heads.split(width // 2 if code == "kv" else width)
    if split is None:
        return f"one bias per {what} ({width})"
    shown = times(2, *split) if code == "kv" else times(*split)
    return f"one bias per {what} ({shown})"


@words("relative position bias")
def _relative_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    buckets, heads = numbers
    stack = role.extra("stack")
    return (
        f"T5's relative position bias: one value per distance bucket and head "
        f"({buckets} x {heads}), in the first layer only, shared by every layer of the "
        f"{stack + ' ' if stack else ''}stack"
    )
