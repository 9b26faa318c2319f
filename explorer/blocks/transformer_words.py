"""Why each term of a Transformer has its size: how many heads read the residual stream,
which key/value heads are shared, where d_ff comes from, what is tied, fused or stored
transposed, which norm keeps a shift, and how many layers repeat a term.

The words read the facts the blocks put in each role (``("projection", "q")``,
``("norm", "LayerNorm")``, ``("stack", "decoder")``, ``("d_ff", "llama")`` ...) and the
design's sizes (heads, kv_heads, head_dim, layers ...); a size the design does not give
is left out of the sentence, never guessed.

Example:
    >>> import explorer
    >>> from explorer.explain import explain
    >>> c = explorer.count("llama", d_model=4096, layers=32, heads=32, kv_heads=8, vocab=32000)
    >>> words = {t.name: t.why for t in explain(c).terms}
    >>> print(words["model.layers.*.self_attn.k_proj.weight"])
    8 key/value heads shared by groups of 4 query heads (grouped-query attention), each key \
head 128 wide, read the 4096-wide residual stream: 8 x 128 rows of 4096; 32 copies, one per layer
    >>> print(words["model.layers.*.mlp.gate_proj.weight"])
    the 11008-wide gate of the gated (GLU) MLP, d_ff from LLaMA's rule \
256 x ceil(8 x 4096 / 3 / 256): 11008 rows of 4096; 32 copies, one per layer
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explorer.algebra import EVERY, Role
from explorer.blocks._reasoning import DimensionLike, Network, Reason

__all__ = ["REASONS"]


def _size(network: Network, name: str) -> int | None:
    """A size of the design, if it is a number (a spec's part may not give it)."""
    value = network.design.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _times(*factors: int) -> str:
    """``32 x 128``; a factor of 1 is left out unless it is alone."""
    shown = [str(f) for f in factors if f != 1]
    return " x ".join(shown) or "1"


@dataclass(frozen=True, slots=True)
class _Matrix:
    """A weight as the framework stores it: ``out`` rows of ``inputs`` ([out, in]), or
    ``inputs`` rows of ``out`` ([in, out], told as columns)."""

    out: int
    inputs: int
    transposed: bool

    @classmethod
    def of(cls, role: Role, numbers: tuple[int, ...]) -> _Matrix:
        transposed = bool(role.extra("stored"))
        out, inputs = (numbers[1], numbers[0]) if transposed else (numbers[0], numbers[1])
        return cls(out, inputs, transposed)

    def text(self, out: str | None = None) -> str:
        """``32 x 128 rows of 4096``, or ``3 x 768 columns of 768 (stored [in, out])``."""
        shown = out or str(self.out)
        if self.transposed:
            return f"{shown} columns of {self.inputs} (stored [in, out])"
        return f"{shown} rows of {self.inputs}"


def _copies(role: Role, network: Network) -> str:
    """``; 32 copies, one per layer`` for a term that stands for every layer of its stack."""
    if role.layer != EVERY:
        return ""
    stack = role.extra("stack")
    layers = _size(network, "layers")
    if stack == "decoder":
        layers = _size(network, "decoder_layers") or layers
    if layers is None:
        return ""
    which = f"{stack} layer" if stack else "layer"
    if layers == 1:
        return f"; one copy (1 {which})"
    return f"; {layers} copies, one per {which}"


def _is_bias(numbers: tuple[int, ...]) -> bool:
    return len(numbers) == 1


# -- embeddings -----------------------------------------------------------------------------
def _embedding(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    rows, width = numbers
    table = role.extra("table")
    if table == "position":
        return (
            f"one {width}-wide vector for each of the {rows} positions (learned absolute "
            f"positions: the model reads at most {rows} tokens)"
        )
    if table == "type":
        return (
            f"one {width}-wide vector for each of the {rows} token types (segments), added "
            "to each token's embedding"
        )
    text = f"one {width}-wide vector for each of the {rows} tokens of the vocabulary"
    if role.extra("shared"):
        text += f"; the {role.extra('shared')} both read it"
    tied = role.extra("tied")
    if tied:
        text += f"; the {tied} is tied to it (the same matrix): counted once, here"
    return text


# -- attention --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Heads:
    """The heads of the design, as far as it gives them."""

    heads: int | None
    head_dim: int | None

    @classmethod
    def of(cls, network: Network) -> _Heads:
        heads, head_dim = _size(network, "heads"), _size(network, "head_dim")
        d_model = _size(network, "d_model")
        if head_dim is None and heads and d_model:
            head_dim = d_model // heads  # as the family's rule: d_model // heads
        return cls(heads, head_dim)

    def split(self, width: int) -> tuple[int, int] | None:
        """``width`` as (heads, head_dim), when it is a whole number of heads."""
        if self.head_dim and width % self.head_dim == 0:
            return width // self.head_dim, self.head_dim
        return None


def _attention(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    heads = _Heads.of(network)
    if _is_bias(numbers):
        return _attention_bias(code, numbers[0], heads, role) + _copies(role, network)
    matrix = _Matrix.of(role, numbers)
    cross = role.block == "cross-attention"
    stream = "the decoder's" if cross else "the"
    reads = f"{stream} {matrix.inputs}-wide residual stream"
    if code == "q":
        split = heads.split(matrix.out)
        if split is None:
            text = f"the {matrix.out} query features read {reads}: {matrix.text()}"
        else:
            n, width = split
            text = f"each of the {n} query heads of {width} reads {reads}: " + matrix.text(
                _times(n, width) if n > 1 else None
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
            else f"the outputs of the {split[0]} heads ({_times(*split)}, concatenated)"
        )
        text = (
            f"{what} are projected back to the {matrix.out}-wide residual stream: " + matrix.text()
        )
    return text + _copies(role, network)


def _keys_values(code: str, matrix: _Matrix, heads: _Heads, cross: bool) -> str:
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
    rows = _times(2, n, head_dim) if code == "kv" else _times(n, head_dim)
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


def _qkv_width(width: int, heads: _Heads) -> str:
    """The width of a fused query, key and value: ``3 x 768``, or ``128 + 2 x 32`` with
    fewer key/value heads."""
    if heads.heads and heads.head_dim:
        query = heads.heads * heads.head_dim
        kv, left = divmod(width - query, 2)
        if not left and kv > 0:
            return f"3 x {query}" if kv == query else f"{query} + 2 x {kv}"
    return str(width)


def _fused(role: Role, matrix: _Matrix, heads: _Heads) -> str:
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


def _attention_bias(code: str, width: int, heads: _Heads, role: Role) -> str:
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
    shown = _times(2, *split) if code == "kv" else _times(*split)
    return f"one bias per {what} ({shown})"


def _relative(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    buckets, heads = numbers
    stack = role.extra("stack")
    return (
        f"T5's relative position bias: one value per distance bucket and head "
        f"({buckets} x {heads}), in the first layer only, shared by every layer of the "
        f"{stack + ' ' if stack else ''}stack"
    )


# -- MLP and experts ------------------------------------------------------------------------
def _rule(role: Role, d_ff: int, d_model: int) -> str:
    """Where d_ff comes from: LLaMA's rounding rule, 4 d_model, or the design."""
    rule = role.extra("d_ff")
    if rule == "llama":
        multiple = int(role.extra("ffn_multiple_of", "256") or 256)
        multiplier = role.extra("ffn_dim_multiplier")
        inner = f"8 x {d_model} / 3"
        if multiplier:
            inner = f"{multiplier} x ({inner})"
        return f"d_ff from LLaMA's rule {multiple} x ceil({inner} / {multiple})"
    if rule == "times4" and d_ff == 4 * d_model:
        return f"d_ff = 4 x {d_model}"
    return "d_ff as given"


def _mlp(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    gated = role.extra("gated") == "yes"
    if _is_bias(numbers):
        (width,) = numbers
        if code == "down":
            text = f"one bias per feature of the {width}-wide residual stream"
        else:
            text = f"one bias per hidden feature ({width})"
        return text + _copies(role, network)
    matrix = _Matrix.of(role, numbers)
    if code == "down":
        text = (
            f"it takes the {matrix.inputs} hidden features back to the {matrix.out}-wide "
            f"residual stream: {matrix.text()}"
        )
    elif code == "gate":
        text = (
            f"the {matrix.out}-wide gate of the gated (GLU) MLP, "
            f"{_rule(role, matrix.out, matrix.inputs)}: {matrix.text()}"
        )
    elif gated:
        text = (
            f"the up-projection beside the gate, as wide ({matrix.out}), multiplied by the "
            f"gate's activation feature by feature: {matrix.text()}"
        )
    else:
        text = (
            f"the {matrix.out}-wide hidden layer ({_rule(role, matrix.out, matrix.inputs)}) "
            f"reads the {matrix.inputs}-wide residual stream: {matrix.text()}"
        )
    return text + _copies(role, network)


def _experts(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    per_token = _size(network, "experts_per_token")
    experts = numbers[0]

    def uses(*each: int) -> str:
        if not per_token:
            return ""
        return f"; a token uses {per_token} of them (active: {_times(per_token, *each)})"

    if code == "router":
        routed = (
            f": each token goes to the {per_token} best-scored of the {experts} experts"
            if per_token
            else ""
        )
        text = f"one router score per expert, {experts} rows of {numbers[1]}{routed}"
    elif code == "gate_up":
        _, both, d_model = numbers
        text = (
            f"each of the {experts} experts is a gated MLP of its own, its gate and "
            f"up-projection fused: {experts} x 2 x {both // 2} rows of {d_model} "
            f"(d_ff per expert){uses(2, both // 2, d_model)}"
        )
    else:
        _, d_model, d_ff = numbers
        text = (
            f"each of the {experts} experts takes its {d_ff} hidden features back to the "
            f"{d_model}-wide residual stream: {experts} x {d_model} rows of {d_ff}"
            f"{uses(d_model, d_ff)}"
        )
    return text + _copies(role, network)


# -- norms and heads ---------------------------------------------------------------------------
def _norm(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    (width,) = numbers
    if role.extra("norm") == "RMSNorm":
        text = f"RMSNorm: a scale per feature, no shift: {width} scales"
    elif role.part.endswith(".bias"):
        text = f"LayerNorm: a scale and a shift per feature; these are the {width} shifts"
    else:
        text = f"LayerNorm: a scale and a shift per feature; these are the {width} scales"
        if not network.has(part=role.part + ".bias"):
            text += " (the shifts are biases, which this count leaves out)"
    if role.extra("place") == "final":
        stack = role.extra("stack")
        text += f", once, after the {stack + chr(39) + 's ' if stack else ''}last layer"
    return text + _copies(role, network)


def _head(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    if code == "output bias":
        (vocab,) = numbers
        if role.extra("tied") == "yes":
            return (
                f"one bias per vocabulary entry ({vocab}): a parameter of its own, though "
                "the decoder's weight is the token embedding (tied)"
            )
        return f"one bias per vocabulary entry ({vocab}), beside the decoder's own"
    if _is_bias(numbers):
        (width,) = numbers
        what = {"lm": "vocabulary entry", "decoder": "vocabulary entry", "pooler": "pooled feature"}
        return f"one bias per {what.get(code, 'output')} ({width})"
    matrix = _Matrix.of(role, numbers)
    if code in ("lm", "decoder"):
        return (
            f"one {matrix.inputs}-wide row for each of the {matrix.out} tokens of the "
            "vocabulary (its logit); not tied to the token embedding, so counted on its own"
        )
    if code == "transform":
        return (
            f"a {matrix.out} x {matrix.inputs} dense layer on each final hidden state, "
            "before the vocabulary"
        )
    if code == "pooler":
        return (
            f"the pooler: a {matrix.out} x {matrix.inputs} dense layer (tanh) on the first "
            "token's final hidden state, which the sentence-level heads read"
        )
    out = role.extra("out")
    if out == "labels":
        return f"one {matrix.inputs}-wide row for each of the {matrix.out} labels"
    if out == "d_model":
        return f"a {matrix.out} x {matrix.inputs} dense layer on the final hidden state"
    if matrix.out == 1:
        return f"one score from the {matrix.inputs}-wide final hidden state"
    return f"{matrix.out} scores, each from the {matrix.inputs}-wide final hidden state"


#: The reasons of the Transformer blocks' terms, by block.
REASONS: dict[str, Reason] = {
    "embeddings": _embedding,
    "attention": _attention,
    "cross-attention": _attention,
    "relative position bias": _relative,
    "mlp": _mlp,
    "experts": _experts,
    "norm": _norm,
    "head": _head,
}
