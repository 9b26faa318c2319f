"""The vocabulary a family declares: its keywords, as data the layers above read.

The command line's options and ``--help``, the solver's free sizes, spec files' keys,
``explain``'s names and the searches all come from these declarations; none of them
lists a family's words.

Example:
    >>> k = Keyword("cells", "cells per layer", kind="sizes", symbol="n_c",
    ...             aliases=("hidden_size",))
    >>> k.option, k.names
    ('--cells', ('cells', 'hidden_size'))
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, get_args

__all__ = ["KEYWORD_KINDS", "Keyword", "KeywordKind", "SearchChoice"]

KeywordKind = Literal["size", "sizes", "part", "flag", "choice", "number"]
#: ``size``: a positive integer. ``sizes``: a positive integer, or one per layer (a list).
#: ``part``: the size of an optional part, 0 or absent meaning no such part; in a formula,
#: ``True`` means "present, its size a symbol". ``flag``: true or false. ``choice``: one
#: of ``choices``. ``number``: a positive decimal (a multiplier, not a size).
KEYWORD_KINDS: tuple[str, ...] = get_args(KeywordKind)


class Keyword(NamedTuple):
    """One keyword of a family.

    Attributes:
        name: the keyword (``cells``); the CLI option is ``--cells``.
        meaning: what it stands for, in words (formula legends, ``explain``).
        kind: see :data:`KEYWORD_KINDS`.
        symbol: the formula's symbol for a size (``n_c``); per-layer sizes append the
            layer (``n_c1``).
        help: the ``--help`` text (the meaning when empty).
        default: what the library assumes when it is not given (``layers`` 1); ``None``:
            nothing (a required size is then an error naming it).
        stated: what the ``solve`` command assumes when it is not given, stated in its
            answer and ``--help`` (the library never assumes it).
        assumed_unless: keywords whose presence makes ``assumed`` not apply (an output size
            is not assumed when a vocabulary sets it).
        required: a design without it cannot be counted (a spec part must give it).
        solvable: the solver may solve for it.
        per_layer: a ``part`` that may also be given one per layer.
        aliases: the names users type for it (PyTorch's, Keras', Hugging Face's).
        guesses: names formulas written by hand use for it (``nc``, ``n_c``, ``h``).
        choices: the values of a ``choice``.
        rule: what a size follows when it is not given (``heads``, ``d_model // heads``);
            in a formula, ``True`` makes it a symbol of its own instead.
    """

    name: str
    meaning: str
    kind: KeywordKind = "size"
    symbol: str = ""
    help: str = ""
    default: Any = None
    assumed: Any = None
    assumed_unless: tuple[str, ...] = ()
    required: bool = False
    solvable: bool = False
    per_layer: bool = False
    aliases: tuple[str, ...] = ()
    guesses: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    rule: str = ""

    @property
    def option(self) -> str:
        """The command-line option, ``--nonrec-proj``."""
        return "--" + self.name.replace("_", "-")

    @property
    def names(self) -> tuple[str, ...]:
        """The keyword and its aliases."""
        return (self.name, *self.aliases)

    @property
    def is_size(self) -> bool:
        """A number (``size``, ``sizes`` or ``part``), as opposed to a flag or choice."""
        return self.kind in ("size", "sizes", "part")

    @property
    def lists(self) -> bool:
        """Whether one value per layer may be given."""
        return self.kind == "sizes" or self.per_layer

    def describe(self, *, symbolic: bool = False, assumed: bool = False) -> str:
        """The ``--help`` line: the help text, the choices and the defaults; in a formula
        (``symbolic``) a size left out stays a symbol; where the command assumes the
        :attr:`assumed` value (``assumed``), that value is the default shown.

        Example:
            >>> k = Keyword("output", "output size", kind="part", assumed=34)
            >>> k.describe(), k.describe(assumed=True)
            ('output size (omitted or 0: none)', 'output size (default 34; 0: none)')
        """
        text = self.help or self.meaning
        if self.kind == "choice":
            text += " (" + ", ".join(self.choices) + ")"
        if self.rule and self.default is not None and self.kind != "flag":
            text += f" (default {self.default}; omitted in a formula: {self.rule})"
        elif self.rule:
            text += f" (default: {self.rule})"
        elif symbolic and self.is_size and self.kind != "part":
            text += " (omitted: a symbol)"
        elif assumed and self.assumed is not None:
            unless = ", ".join("--" + k.replace("_", "-") for k in self.assumed_unless)
            text += f" (default {self.assumed}"
            text += f", none with {unless}" if unless else ""
            text += "; 0: none)" if self.kind == "part" else ")"
        elif self.default is not None and self.kind != "flag":
            text += f" (default {self.default})"
        elif self.default is not None:
            text += f" (default {'yes' if self.default else 'no'})"
        elif self.kind == "part":
            text += " (omitted or 0: none)"
        return text


class SearchChoice(NamedTuple):
    """A structural choice a search may sample for a family.

    Attributes:
        name: the choice's name (``layers``, ``bidirectional``, ``proj_ratio``); the
            command line's option is ``--proj-ratio``.
        help: what it chooses, for ``--help``.
        kind: ``int`` (choices are integers), ``bool``, or ``ratio`` (an integer ``r``
            that ties ``keyword`` to the free size: ``free // r``, or, with ``percent``,
            ``free * r // 100``).
        keyword: the keyword it sets (``int`` and ``bool``); for ``ratio``, the tied one.
        default: the choices a search takes when not told (text as on the command line);
            ``""``: not sampled unless asked for.
        minimum: the smallest allowed value.
        percent: a ``ratio`` in percent of the free size.

    Example:
        >>> c = SearchChoice("proj_ratio", "cells per unit", "ratio", "proj", "4", minimum=2)
        >>> c.tie(4, "cells"), c.tied(1024, 4)
        (('proj', 'cells/4'), 256)
    """

    name: str
    help: str
    kind: Literal["int", "bool", "ratio"]
    keyword: str
    default: str
    minimum: int = 1
    percent: bool = False

    @property
    def option(self) -> str:
        """``--proj-ratio``."""
        return "--" + self.name.replace("_", "-")

    def tie(self, value: int, free: str) -> tuple[str, str]:
        """The solver tie of a ``ratio`` choice: ``(keyword, "free/value")``."""
        if self.percent:
            return self.keyword, f"{free}*{value}/100"
        return self.keyword, f"{free}/{value}"

    def tied(self, free_value: Any, value: int) -> Any:
        """The tied size for a free size (ints or numpy arrays), rounded down as the
        solver's tie is."""
        return free_value * value // 100 if self.percent else free_value // value
