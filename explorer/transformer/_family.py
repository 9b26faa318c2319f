"""Transformers: token (and position, type) embeddings, stacks of identical layers
(attention, optional cross-attention, an MLP or a mixture of experts, norms), a final
norm and a head. One composition serves GPT-2, BERT, LLaMA, Mistral, Qwen2, Gemma,
Mixtral, T5 and GPT-NeoX; each is a :class:`TransformerFamily` of data: its names, its
defaults, its biases and norms, its rules.

Layers are identical, so each layer's terms appear once with ``L`` copies: a count is
the same closed form at any depth.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Slot
from explorer.conventions import Convention, TransformerConvention
from explorer.errors import ConflictError, InvalidSizeError, UnknownNameError, typed
from explorer.families import Family, HFBinding, Keyword, SearchChoice
from explorer.sizes import flag, positive_int
from explorer.transformer._keywords import transformer_keywords
from explorer.transformer._naming import Head, Naming, StackNames
from explorer.transformer._structure import TransformerStructure

if TYPE_CHECKING:
    from explorer.algebra import Term

__all__ = ["SizeRule", "TransformerFamily", "TransformerStructure", "llama_ffn"]

_SEARCH = (
    SearchChoice("layers", "depths", "int", "layers", "2..48/2"),
    SearchChoice("heads", "attention heads (d_model a multiple of them)", "int", "heads", ""),
    SearchChoice("kv_heads", "key/value heads", "int", "kv_heads", ""),
    SearchChoice(
        "d_ff_percent",
        "d_ff = d_model x percent / 100, percents to choose from",
        "ratio",
        "d_ff",
        "",
        percent=True,
    ),
    SearchChoice("experts", "experts per mixture-of-experts layer", "int", "experts", ""),
    SearchChoice("gated", "a gated MLP: no, yes or both", "bool", "gated", ""),
)


class SizeRule(NamedTuple):
    """A size of a family's own that follows others unless given.

    Attributes:
        name: the keyword (one of the family's own keywords, a size).
        inputs: the keywords (sizes or options) it follows, in ``compute``'s order.
        compute: the rule, on ints or numpy arrays alike (``lambda L, k: L - k``).
        text: the rule in words (``layers - first_dense``), for ``--help`` and the legend.

    Example:
        >>> rule = SizeRule("moe_layers", ("layers", "first_dense"), lambda L, k: L - k,
        ...                 "layers - first_dense")
        >>> rule.compute(32, 3)
        29
    """

    name: str
    inputs: tuple[str, ...]
    compute: Callable[..., Any]
    text: str


@dataclass(frozen=True, repr=False)
class TransformerFamily(Family):
    """A Transformer family described by data.

    Attributes:
        naming: the names of its parameters.
        defaults: its keyword defaults (its config class's), as pairs.
        options: the optional keywords it takes (``attention_bias``, ``experts`` ...).
        layer_norm: LayerNorm (scale and shift), else RMSNorm (scale only).
        gated, qkv_bias, o_bias, mlp_bias: its MLP and biases when not set otherwise.
        bias_on_output: ``attention_bias`` puts a bias on the output projection too (else on
            the query, key and value only: GLM-4's, Qwen2-MoE's ``qkv_bias``).
        d_ff_rule: ``times4``, ``llama``, or ``""`` (d_ff must be given).
        divisible: ``always`` (heads must divide d_model, even with a head_dim given),
            ``derived`` (when head_dim follows d_model), ``never`` (head_dim is floored).
        even_rotary: rotary embeddings refuse an odd head_dim above 4.
        encoder_decoder: an encoder and a decoder stack (T5).
        experts_mlp: every layer's MLP is a mixture of experts (Mixtral).
        latent_attention: its attention sizes its heads itself (multi-head latent
            attention, DeepSeek-V2): ``heads`` is a size, ``head_dim`` and ``kv_heads`` are
            none of its sizes.
        relative: T5's relative position bias in each stack's first layer.
        own_keywords: keywords of its own (its blocks' sizes and switches); a flag,
            choice or number goes into the structure's ``options``; a size present is a
            slot (its symbol read by the blocks as ``z[name]``), unless ``structural``.
        structural: own sizes that shape the structure, not the count (a window's width).
        rules: sizes of its own that follow others unless given (:class:`SizeRule`).
        conditional: own keywords a design has only where a condition on the sizes and
            options read before them holds (the dense MLP's width where some layers are
            dense); elsewhere a default is not read and a given value is refused.
        checks: checks of its own on a design's sizes.
        own_choices: search choices of its own.
        hf: its Hugging Face binding (model types, field map, rules).
        causal: its (single) stack's self-attention is causal (a decoder); an encoder
            (BERT) is not. An encoder-decoder's decoder stack always is.
    """

    name: str
    description: str
    naming: Naming
    defaults: tuple[tuple[str, Any], ...]
    options: frozenset[str] = frozenset()
    layer_norm: bool = False
    gated: bool = False
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    bias_on_output: bool = True
    d_ff_rule: str = ""
    divisible: str = "never"
    even_rotary: bool = False
    encoder_decoder: bool = False
    experts_mlp: bool = False
    latent_attention: bool = False
    relative: bool = False
    causal: bool = True
    kind: str = "transformer"
    default_convention: str = "hf"
    width: str = "d_model"
    depth: str = "layers"
    free_order: tuple[str, ...] = ("d_model",)
    breakdowns: tuple[str, ...] = ("embedding", "blocks", "active")
    #: Keywords of the family's own beyond the shared ones (its blocks' sizes and
    #: switches: ``q_lora_rank``, ``qk_norm`` ...), their defaults in ``defaults``.
    own_keywords: tuple[Keyword, ...] = ()
    #: Sizes that follow others unless given (``moe_layers = layers - first_dense``).
    rules: tuple[SizeRule, ...] = ()
    #: Own keywords present only where a condition on what was read before them holds
    #: (``("d_dense", lambda seen: "dense_layers" in seen)``), in ``own_keywords`` order.
    conditional: tuple[tuple[str, Callable[[Mapping[str, Any]], bool]], ...] = field(
        default=(), compare=False
    )
    #: Own sizes that shape the structure instead of the count (a sliding window's width:
    #: no parameter depends on it): kept in the structure's options, not as slots.
    structural: frozenset[str] = frozenset()
    #: Own sizes only an embedding table reads (a vision tower's positions): left out,
    #: with the tables, under a convention that does not count embeddings.
    embedding_sizes: frozenset[str] = frozenset()
    #: Checks of the family's own on a design's sizes (each raises InvalidSizeError).
    checks: tuple[Callable[[Mapping[str, Any]], None], ...] = field(default=(), compare=False)
    #: Search choices of the family's own, beside the shared ones.
    own_choices: tuple[SearchChoice, ...] = ()
    #: How it reads a Hugging Face config.json (``None``: it does not).
    hf: HFBinding | None = field(default=None, compare=False)

    # -- declarations ----------------------------------------------------------------
    @functools.cached_property
    def default_map(self) -> dict[str, Any]:
        """The defaults as a dict."""
        return dict(self.defaults)

    @functools.cached_property
    def keywords(self) -> tuple[Keyword, ...]:  # type: ignore[override]
        """Core keywords, this family's options, its defaults and rules."""
        rules = {"kv_heads": "as many as heads", "head_dim": "d_model // heads"}
        if self.d_ff_rule == "times4":
            rules["d_ff"] = "4 x d_model"
        elif self.d_ff_rule == "llama":
            rules["d_ff"] = "LLaMA's rule: ffn_multiple_of x ceil(8 d_model / 3 / ffn_multiple_of)"
        if self.encoder_decoder:
            rules["decoder_layers"] = "as many as layers"
        required = frozenset(("d_model", "layers", "vocab")) - set(self.default_map)
        if not self.naming.embeddings.reads_tokens:  # a vision tower has no vocabulary
            required -= {"vocab"}
        if not self.d_ff_rule and "d_ff" not in self.default_map:
            required |= {"d_ff"}
        rules.update({rule.name: rule.text for rule in self.rules})
        shared = transformer_keywords(
            self.default_map,
            self.options,
            heads=self.naming.head_names,
            rules=rules,
            required=required,
        )
        own = tuple(
            k._replace(
                default=self.default_map.get(k.name, k.default), rule=rules.get(k.name, k.rule)
            )
            for k in self.own_keywords
        )
        return shared + own

    @functools.cached_property
    def _by_name(self) -> dict[str, Keyword]:
        return {k.name: k for k in self.keywords}

    @functools.cached_property
    def search_choices(self) -> tuple[SearchChoice, ...]:  # type: ignore[override]
        """Depth, heads, key/value heads, the MLP's width; experts and gating where the
        family has them."""
        unused = {"kv_heads"} if self.latent_attention else set()  # no key/value heads
        shared = (c for c in _SEARCH if c.keyword in self._by_name and c.keyword not in unused)
        return (*shared, *self.own_choices)

    @property
    def examples(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        """Small designs under every head, with GQA and a given head_dim where allowed."""
        base: dict[str, Any] = {"d_model": 64, "layers": 2, "heads": 4, "vocab": 100}
        if not self.d_ff_rule:
            base["d_ff"] = 96
        if "kv_heads" in self.default_map:
            base["kv_heads"] = 4
        found = [dict(base)]
        for head in self.naming.head_names:
            found.append({**base, "head": head})
        if "experts" in self.options or self.experts_mlp:
            found.append({**base, "experts": 4, "experts_per_token": 2})
        if not self.latent_attention:  # a latent attention has neither
            found.append({**base, "kv_heads": 2})
            found.append({**base, "head_dim": 32, "kv_heads": 1})
        found.append({**base, "tied": not self.default_map.get("tied", False)})
        for name in ("attention_bias", "mlp_bias", "cross_attention", "gated"):
            if name in self.options:
                found.append({**base, name: not self.default_map.get(name, False)})
        if "context" in self.options and "context" not in self.default_map:
            found.append({**base, "context": 32})
        if "decoder_layers" in self.options:
            found.append({**base, "decoder_layers": 3})
        return tuple(found)

    def applies(self, keyword: Keyword) -> bool:
        """Every keyword it declares applies."""
        return True

    # -- sizes -> structure ----------------------------------------------------------
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[TransformerStructure, dict[str, Any]]:
        if not isinstance(convention, TransformerConvention):
            raise ConflictError(f"{convention.name} is not a Transformer convention")
        for key in sizes:
            if key not in self._by_name:
                raise UnknownNameError.for_name(f"{self.name} size or option", key, self._by_name)
        given = _SizesGiven(self, sizes, symbolic)
        head = given.choice("head")
        if head not in self.naming.head_names:
            raise UnknownNameError.for_name(f"{self.name} head", head, self.naming.head_names)
        head_spec = self.naming.head(head)
        tied = given.flag("tied", False)
        values: dict[str, Any] = {
            "d_model": given.size("d_model"),
            "layers": given.size("layers"),
        }
        if self._uses_vocab(head, tied, convention):
            values["vocab"] = given.size("vocab")
        heads, kv_heads, head_dim = (
            given.size("heads", needed=False),
            given.rule_size("kv_heads"),
            given.rule_size("head_dim"),
        )
        attention, kv = self._attention(values["d_model"], heads, kv_heads, head_dim)
        if attention != "square" or self.relative:
            values["heads"] = heads if heads is not _NOT_GIVEN else None
        if kv:
            values["kv_heads"] = kv_heads
        if attention == "explicit":
            values["head_dim"] = head_dim
        elif attention == "derived":
            values["head_dim"] = _floor_div(values["d_model"], values["heads"])
        ffn, rule = self._ffn(given, values)
        parts = self._parts(given, head_spec, values, convention)
        options = self._own(given, values, embeddings=convention.embeddings)
        values = {k: (None if v is _NOT_GIVEN else v) for k, v in values.items()}
        # a square attention keeps its heads out of the slots: checked all the same
        self._check_values(
            {"heads": heads, **values} if attention == "square" else values, attention, sizes
        )
        structure = TransformerStructure(
            family=self.name,
            head=head,
            attention=attention,
            heads=heads if attention == "square" and isinstance(heads, int) else None,
            kv=kv,
            ffn=ffn,
            rule=rule,
            gated=given.flag("gated", self.gated),
            qkv_bias=given.flag("attention_bias", self.qkv_bias),
            o_bias=given.flag("attention_bias", self.o_bias)
            if self.bias_on_output
            else self.o_bias,
            mlp_bias=given.flag("mlp_bias", self.mlp_bias),
            layer_norm=given.choice("norm", "layernorm" if self.layer_norm else "rmsnorm")
            == "layernorm",
            positions=parts["positions"],
            type_vocab=parts["type_vocab"],
            tied=tied,
            experts=parts["experts"],
            cross_attention=given.flag("cross_attention", False),
            decoder=parts["decoder"],
            decoder_depth=parts["decoder_depth"],
            decoder_empty=parts["decoder_empty"],
            labels=parts["labels"],
            classifier_bias=given.flag("classifier_bias", True),
            relative=self.relative,
            embeddings=convention.embeddings,
            biases=convention.biases,
            norms=convention.norms,
            options=options,
        )
        if ffn == "llama" and values.get("d_model") is not None:
            values["d_ff"] = llama_ffn(values["d_model"], *rule)
        for own in self.rules:
            if structure.option(own.name) == "rule":
                inputs = [values.get(name, structure.option(name)) for name in own.inputs]
                if all(x is not None for x in inputs):  # sizes, switches, multipliers
                    values[own.name] = own.compute(*inputs)
        if not symbolic:
            for check in self.checks:
                check(values)
        return structure, values

    def _own(
        self, given: _SizesGiven, values: dict[str, Any], *, embeddings: bool
    ) -> tuple[tuple[str, Any], ...]:
        """The family's own keywords: switches into the options, sizes into ``values``
        (a conditional keyword only where its condition holds on what was read before it;
        none the embedding tables alone read where they are not counted)."""
        rules = {rule.name for rule in self.rules}
        conditions = dict(self.conditional)
        options: list[tuple[str, Any]] = []
        for keyword in self.own_keywords:
            name = keyword.name
            condition = conditions.get(name)
            if condition is not None and not condition({**values, **dict(options)}):
                value = given.sizes.get(name)
                if value not in (None, False, 0, "", given.defaults.get(name)):
                    raise ConflictError(
                        f"{name} does not apply to this {self.name} design "
                        f"({keyword.meaning}): leave it out"
                    )
                continue
            if name in self.embedding_sizes and not embeddings:
                continue  # the table that reads it is not counted
            if name in self.structural:
                value = given.part(name)
                if value is None:  # in a formula: a number of the structure, not a symbol
                    value = given.defaults.get(name, self.default_map.get(name, 0))
                options.append((name, 0 if value in (0, _NOT_GIVEN, None, False) else value))
            elif keyword.kind == "flag":
                options.append((name, given.flag(name, bool(keyword.default))))
            elif keyword.kind == "choice":
                options.append((name, given.choice(name, str(keyword.default or ""))))
            elif keyword.kind == "number":
                options.append((name, given.number(name)))
            elif name in rules:
                value = given.rule_size(name)
                values[name] = None if value is _NOT_GIVEN else value
                options.append((name, "rule" if value is _NOT_GIVEN else "given"))
            elif keyword.kind == "part":
                value = given.part(name)
                if value not in (0, _NOT_GIVEN):
                    values[name] = value
                    options.append((name, "given"))
            else:
                values[name] = given.size(name)
                options.append((name, "given"))
        return tuple(options)

    def _parts(
        self,
        given: _SizesGiven,
        head: Head,
        values: dict[str, Any],
        convention: TransformerConvention,
    ) -> dict[str, bool]:
        """The optional parts the design has, their sizes put into ``values``."""
        experts = self.experts_mlp or given.part("experts") not in (0, _NOT_GIVEN)
        if experts:
            values["experts"] = given.size("experts") if self.experts_mlp else given.part("experts")
            values["experts_per_token"] = given.size("experts_per_token")
        positions = "context" in self._by_name and given.part("context") not in (0, _NOT_GIVEN)
        if positions:
            values["context"] = given.part("context")
        type_vocab = "type_vocab" in self._by_name and given.part("type_vocab") not in (
            0,
            _NOT_GIVEN,
        )
        if type_vocab:
            values["type_vocab"] = given.part("type_vocab")
        decoder = self.encoder_decoder and head.decoder
        if "decoder_layers" in self._by_name and not self.encoder_decoder:
            decoder = given.rule_size("decoder_layers") is not _NOT_GIVEN
        empty = decoder and self.encoder_decoder and given.no_layers("decoder_layers")
        decoder_depth = (
            decoder and not empty and given.rule_size("decoder_layers") is not _NOT_GIVEN
        )
        if decoder_depth:
            values["decoder_layers"] = given.rule_size("decoder_layers")
        labels = any(getattr(p, "out", None) == "labels" for p in head.parts)
        if labels:
            values["labels"] = given.size("labels")
        if self.relative:
            values["buckets"] = given.size("buckets")
        if not convention.embeddings:  # sizes only the embedding tables use
            for name in ("context", "type_vocab", "buckets"):
                values.pop(name, None)
        return {
            "experts": experts,
            "positions": positions,
            "type_vocab": type_vocab,
            "decoder": decoder,
            "decoder_depth": decoder_depth,
            "decoder_empty": empty,
            "labels": labels,
        }

    def _attention(self, d: Any, heads: Any, kv_heads: Any, head_dim: Any) -> tuple[str, bool]:
        """How the attention's widths follow from the sizes given (``latent``: the heads
        alone, the attention block sizes a head itself)."""
        if self.latent_attention:
            for name, value in (("head_dim", head_dim), ("kv_heads", kv_heads)):
                if value is not _NOT_GIVEN:
                    raise ConflictError(
                        f"{self.name} has no {name}: its multi-head latent attention sizes "
                        "its heads with nope_dim, rope_dim and v_dim; leave it out"
                    )
            return "latent", False
        if head_dim is not _NOT_GIVEN:
            return "explicit", kv_heads is not _NOT_GIVEN
        if "head_dim" in self.default_map:
            return "explicit", kv_heads is not _NOT_GIVEN
        gqa = kv_heads is not _NOT_GIVEN and (kv_heads is None or kv_heads != heads)
        # Square only where d_model = heads x head_dim holds for every d_model the count
        # may be asked about: heads unknown, or a family that refuses other d_model.
        exact = heads in (None, _NOT_GIVEN) or self.divisible != "never"
        if not gqa and exact:
            return "square", False
        if heads is _NOT_GIVEN:
            raise ConflictError(
                f"kv_heads ({kv_heads}) needs heads too: head_dim follows d_model // heads"
            )
        return "derived", gqa

    def _ffn(self, given: _SizesGiven, values: dict[str, Any]) -> tuple[str, tuple[int, str]]:
        d_ff = given.rule_size("d_ff") if self.d_ff_rule else given.size("d_ff")
        rule: tuple[int, str] = (0, "")
        if self.d_ff_rule == "llama":
            multiple = given.size("ffn_multiple_of")
            multiplier = given.number("ffn_dim_multiplier")
            rule = (multiple or 256, multiplier)
        if d_ff is not _NOT_GIVEN:
            values["d_ff"] = d_ff
            return "given", (0, "")
        if self.d_ff_rule == "times4":
            return "times4", (0, "")
        values["d_ff"] = None  # follows d_model by the rule (filled in below)
        return "llama", rule

    def _check_values(
        self, values: Mapping[str, Any], attention: str, given: Mapping[str, Any]
    ) -> None:
        """The family's rules on the sizes; a size the user did not give is named as the
        family's default (``kv_heads (16, gemma's default)``), with the option to give."""

        def said(name: str) -> str:
            value = values.get(name)
            if name in given or value is None:
                return f"{name} ({value})"
            return f"{name} ({value}, {self.name}'s default: give {typed(name)} to change it)"

        d, heads, head_dim = values.get("d_model"), values.get("heads"), values.get("head_dim")
        must = self.divisible == "always" or (
            self.divisible == "derived" and attention != "explicit"
        )
        if must and isinstance(d, int) and isinstance(heads, int) and d % heads:
            raise InvalidSizeError(
                f"{self.name} needs heads to divide d_model: {d} % {heads} = {d % heads}; "
                f"change d_model or heads"
            )
        if attention in ("derived", "square") and isinstance(d, int) and isinstance(heads, int):
            if d < heads:
                raise InvalidSizeError(f"d_model ({d}) must be at least heads ({heads})")
            head_dim = d // heads
        if self.even_rotary and isinstance(head_dim, int) and head_dim > 4 and head_dim % 2:
            raise InvalidSizeError(
                f"rotary embeddings need an even head_dim, got {head_dim}; change it"
            )
        kv = values.get("kv_heads")
        if isinstance(kv, int) and isinstance(heads, int) and kv > heads:
            raise InvalidSizeError(f"{said('kv_heads')} cannot exceed {said('heads')}")
        k, experts = values.get("experts_per_token"), values.get("experts")
        if isinstance(k, int) and isinstance(experts, int) and k > experts:
            raise InvalidSizeError(f"{said('experts_per_token')} cannot exceed {said('experts')}")

    # -- structure -> slots and terms ------------------------------------------------
    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        s = _structure(structure)
        by = self._by_name
        names = ["d_model", "layers"]
        if s.attention != "square" or s.relative:
            names.append("heads")
        if s.kv:
            names.append("kv_heads")
        if s.attention in ("derived", "explicit"):
            names.append("head_dim")
        if s.ffn != "times4":
            names.append("d_ff")
        if self._uses_vocab(s.head, s.tied, s):
            names.append("vocab")
        tables = (("context", s.positions), ("type_vocab", s.type_vocab))
        names += [n for n, on in tables if on and s.embeddings]
        if s.experts:
            names += ["experts", "experts_per_token"]
        if s.decoder_depth:
            names.append("decoder_layers")
        if s.labels:
            names.append("labels")
        if s.relative and s.embeddings:
            names.append("buckets")
        derived = {"head_dim": s.attention == "derived", "d_ff": s.ffn == "llama"}
        for name, how in s.options:
            if by[name].is_size and how in ("given", "rule"):
                names.append(name)
                derived[name] = how == "rule"
        return tuple(Slot(n, None, by[n].symbol, derived.get(n, False)) for n in names)

    def _uses_vocab(self, head: str, tied: bool, counted: Any) -> bool:
        """Whether the vocabulary appears in the count (``counted``: a convention or a
        structure, with ``embeddings`` and ``biases``): the token embedding, an untied LM
        head, a masked-LM decoder or its bias."""
        if counted.embeddings and self.naming.embeddings.reads_tokens:
            return True
        return any(
            part.counts_vocab(tied=tied, biases=counted.biases)
            for part in self.naming.head(head).parts
        )

    def complete(self, structure: Hashable, values: list[Any]) -> None:
        """head_dim = d_model // heads; d_ff by LLaMA's rule; in place, ints or arrays."""
        s = _structure(structure)
        index = {slot.keyword: i for i, slot in enumerate(self.slots(s))}
        d = values[index["d_model"]]
        if s.attention == "derived" and values[index["head_dim"]] is None:
            values[index["head_dim"]] = d // values[index["heads"]]
        if s.ffn == "llama" and values[index["d_ff"]] is None:
            values[index["d_ff"]] = llama_ffn(d, *s.rule)
        for rule in self.rules:
            at = index.get(rule.name)
            if at is not None and values[at] is None:
                inputs = [
                    values[index[name]] if name in index else s.option(name) for name in rule.inputs
                ]
                values[at] = rule.compute(*inputs)

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        from explorer.transformer._engine import param_terms

        return param_terms(self, _structure(structure))

    # -- measures: compute, the KV cache, activations (explorer.transformer._engine) ------
    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """FLOPs (full or causal attention), the KV cache of a decoder, and Korthikanti et
        al. 2022's activations for a single dense stack."""
        from explorer.transformer._engine import measures

        return measures(self, _structure(structure))

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """T and B (and an encoder-decoder's T_d; what a sliding window keeps)."""
        from explorer.transformer._engine import measure_slots

        return measure_slots(self, _structure(structure), measure)

    def measure_complete(self, structure: Hashable, measure: str, values: list[Any]) -> None:
        """The measure's slots that follow others: what a sliding window keeps."""
        from explorer.transformer._engine import block_complete, measure_slots, window_complete

        s = _structure(structure)
        slots = (*self.slots(s), *measure_slots(self, s, measure))
        window_complete(s, slots, values)
        block_complete(self, s, measure, slots, values)

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """The measure's named terms."""
        from explorer.transformer._engine import measure_terms

        return measure_terms(self, _structure(structure), measure)

    # -- what the layers above read ----------------------------------------------------
    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """The design: its sizes (not those that follow a rule), head and options."""
        s = _structure(structure)
        sizes: dict[str, Any] = {
            slot.keyword: value for slot, value in zip(self.slots(s), values) if not slot.derived
        }
        if s.heads is not None:
            sizes["heads"] = s.heads
        if not s.kv and "kv_heads" in self.default_map and sizes.get("heads") is not None:
            sizes["kv_heads"] = sizes["heads"]  # one key/value head per query head
        if s.head != self.default_map.get("head"):
            sizes["head"] = s.head
        for name, on, default in (
            ("tied", s.tied, self.default_map.get("tied", False)),
            ("attention_bias", s.qkv_bias, self.qkv_bias),
            ("mlp_bias", s.mlp_bias, self.mlp_bias),
            ("gated", s.gated, self.gated),
            ("cross_attention", s.cross_attention, False),
        ):
            if name in self._by_name and on != default:
                sizes[name] = on
        for keyword in self.keywords[len(self.keywords) - len(self.own_keywords) :]:
            value = s.option(keyword.name)
            default = bool(keyword.default) if keyword.kind == "flag" else keyword.default or ""
            if keyword.name in self.structural:
                if value != (keyword.default or 0):
                    sizes[keyword.name] = value
            elif keyword.kind in ("flag", "choice", "number") and value != default:
                sizes[keyword.name] = value
            elif keyword.kind == "part" and keyword.default and value is None:
                sizes[keyword.name] = 0  # absent where the family has it by default
        order = [k.name for k in self.keywords]
        return {k: sizes[k] for k in order if k in sizes}

    def describe(self, structure: Hashable) -> str:
        """``counting: head lm (tied), RMSNorm, gated MLP, grouped-query attention``."""
        s = _structure(structure)
        parts = [f"head {s.head}" + (" (tied)" if s.tied and s.head != "none" else "")]
        parts.append("LayerNorm" if s.layer_norm else "RMSNorm")
        parts.append("gated MLP" if s.gated else "MLP")
        if s.experts:
            parts.append("mixture of experts")
        parts.append(
            {
                "square": "attention d_model x d_model",
                "derived": "head_dim = d_model // heads",
                "explicit": "head_dim of its own",
                "latent": "multi-head latent attention",
            }[s.attention]
            + (", grouped key/value heads" if s.kv else "")
        )
        if s.ffn == "llama":
            multiple, multiplier = s.rule
            parts.append(
                f"d_ff by LLaMA's rule (multiple of {multiple}"
                + (f", multiplier {multiplier}" if multiplier else "")
                + ")"
            )
        elif s.ffn == "times4":
            parts.append("d_ff = 4 x d_model")
        left_out = [
            n
            for n, on in (("embeddings", s.embeddings), ("biases", s.biases), ("norms", s.norms))
            if not on
        ]
        if left_out:
            parts.append("not counting " + ", ".join(left_out))
        return "counting: " + ", ".join(parts)

    def meaning(self, slot: Slot) -> str:
        """The keyword's meaning; a size that follows others says how."""
        text = super().meaning(slot)
        if slot.derived:
            text += f" (follows: {self._by_name[slot.keyword].rule})"
        return text

    # -- for the solver --------------------------------------------------------------
    def multiple(self, free: str, sizes: Mapping[str, Any]) -> int:
        """d_model solved with head_dim following it: a multiple of heads (twice that
        under rotary embeddings, whose head_dim must be even); with head_dim of its own, a
        multiple of heads where heads must always divide d_model (Gemma 2's config)."""
        heads = sizes.get("heads", self.default_map.get("heads"))
        follows = "head_dim" not in sizes and "head_dim" not in self.default_map
        if free != "d_model" or type(heads) is not int:
            return 1
        if not follows:
            return heads if self.divisible == "always" else 1
        return 2 * heads if self.even_rotary else heads  # rotary needs an even head_dim

    def stacks(self, s: TransformerStructure) -> tuple[StackNames, ...]:
        """The stacks a structure has (an encoder-decoder without its decoder, or without
        its encoder: one)."""
        encoder = self.naming.head(s.head).encoder
        return tuple(st for st in self.naming.stacks if (s.decoder if st.decoder else encoder))


_NOT_GIVEN: Any = object()  # a keyword the design does not give (and no default fills)


class _SizesGiven:
    """The sizes a user gave, read with the family's defaults and the formula's rules:
    in a formula (``symbolic``), a size not given is a symbol (``None``)."""

    def __init__(self, family: TransformerFamily, sizes: Mapping[str, Any], symbolic: bool):
        self.family, self.sizes, self.symbolic = family, sizes, symbolic
        self.defaults = family.default_map

    def _raw(self, name: str) -> Any:
        value = self.sizes.get(name)
        if value is None and not self.symbolic:
            value = self.defaults.get(name)
        return value

    def size(self, name: str, *, needed: bool = True) -> Any:
        value = self._raw(name)
        if value is None or value is True:
            if self.symbolic:
                return None if value is True or needed or name in self.sizes else _NOT_GIVEN
            if not needed:
                return _NOT_GIVEN
            raise InvalidSizeError(f"{name} is required for {self.family.name}: give {typed(name)}")
        return positive_int(name, value)

    def rule_size(self, name: str) -> Any:
        """A size that follows a rule when not given: ``_NOT_GIVEN``, a number, or ``None``
        (``True`` in a formula: a symbol of its own)."""
        value = self.sizes.get(name)
        if value is None:
            value = self.defaults.get(name) if not self.symbolic else None
        if value is None:
            return _NOT_GIVEN
        if value is True:
            if not self.symbolic:
                raise InvalidSizeError(f"{name} needs a number to be counted: give {typed(name)}")
            return None
        return positive_int(name, value)

    def part(self, name: str) -> Any:
        """An optional part's size: 0 or ``_NOT_GIVEN`` when absent, ``None`` a symbol."""
        value = self.sizes.get(name, self.defaults.get(name))
        if self.symbolic and name not in self.sizes and value:
            return None  # a part the family always has: present, its size a symbol
        if value is None or value is False or value == 0:
            return _NOT_GIVEN
        if value is True:
            if not self.symbolic:
                raise InvalidSizeError(f"{name} needs a number to be counted: give {typed(name)}")
            return None
        return positive_int(name, value)

    def no_layers(self, name: str) -> bool:
        """A depth given as 0 (an encoder-decoder whose decoder keeps only its final norm,
        as transformers builds it)."""
        value = self.sizes.get(name, None if self.symbolic else self.defaults.get(name))
        return type(value) is int and value == 0

    def flag(self, name: str, fallback: bool) -> bool:
        value = self.sizes.get(name, self.defaults.get(name, fallback))
        return flag(name, value)

    def choice(self, name: str, fallback: str = "") -> str:
        value = self.sizes.get(name, self.defaults.get(name, fallback))
        keyword = self.family._by_name.get(name)
        choices = keyword.choices if keyword is not None else ()
        if choices and value not in choices:
            raise UnknownNameError.for_name(name, value, choices)
        return str(value)

    def number(self, name: str) -> str:
        """A decimal multiplier as exact text (``1.3``), ``""`` when not given."""
        value = self.sizes.get(name, self.defaults.get(name))
        if value is None:
            return ""
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise InvalidSizeError(f"{name} must be a number, got {value!r}") from None
        if isinstance(value, bool) or not number.is_finite() or number <= 0:
            raise InvalidSizeError(f"{name} must be a positive number, got {value!r}")
        return str(value)


def llama_ffn(d_model: Any, multiple_of: int, multiplier: str = "") -> Any:
    """LLaMA's feed-forward width (Meta's ``FeedForward``): 2/3 of 4 d_model, scaled by
    ``ffn_dim_multiplier``, rounded up to a multiple of ``multiple_of``; ints or numpy
    arrays. Float products as Meta computes them.

    Example:
        >>> llama_ffn(4096, 256), llama_ffn(8192, 4096, "1.3"), llama_ffn(4096, 1024, "1.3")
        (11008, 28672, 14336)
    """
    hidden = 8 * d_model // 3
    if multiplier:
        scaled = float(multiplier) * hidden
        hidden = int(scaled) if isinstance(scaled, float) else scaled.astype("int64")
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


def _floor_div(a: Any, b: Any) -> Any:
    return a // b if isinstance(a, int) and isinstance(b, int) else None


def _structure(structure: Hashable) -> TransformerStructure:
    if not isinstance(structure, TransformerStructure):  # a caller's bug, never user input
        raise TypeError(f"not a Transformer structure: {structure!r}")
    return structure
