"""The keywords every recurrent family shares, in the order a design is shown.

Example:
    >>> [k.name for k in KEYWORDS][:4]
    ['input', 'cells', 'layers', 'output']
"""

from __future__ import annotations

from typing import Literal, get_args

from explorer.families import Keyword

__all__ = ["KEYWORDS", "MERGES", "Merge"]

Merge = Literal["concat", "sum", "mul", "ave"]
MERGES: tuple[str, ...] = get_args(Merge)

#: The keywords of every recurrent family, in the order a design is shown.
KEYWORDS: tuple[Keyword, ...] = (
    Keyword(
        "input",
        "input size (the embedding size when a vocabulary is given)",
        symbol="n_i",
        help="input size n_i",
        assumed=39,
        required=True,
        solvable=True,
        aliases=("input_size", "input_dim"),
        guesses=("ni", "n_i", "input", "inputs", "input_size", "inp", "n_in", "d_in", "m", "x"),
    ),
    Keyword(
        "cells",
        "cells (hidden units) per layer and direction",
        kind="sizes",
        symbol="n_c",
        help="cells per layer n_c, or one per layer: 1024,1024,512",
        required=True,
        solvable=True,
        aliases=("hidden_size", "hidden", "units", "num_units"),
        guesses=(
            *("nc", "n_c", "cells", "cell", "hidden", "hidden_size", "units"),
            *("nh", "n_h", "h", "n"),
        ),
    ),
    Keyword(
        "layers",
        "number of recurrent layers",
        symbol="L",
        help="number of layers L",
        default=1,
        solvable=True,
        aliases=("num_layers", "n_layers"),
        guesses=("L", "layers", "num_layers", "n_layers", "di", "depth", "nl", "n_l"),
    ),
    Keyword(
        "output",
        "output layer size",
        kind="part",
        symbol="n_o",
        help="output layer size n_o",
        assumed=34,
        assumed_unless=("vocab",),
        solvable=True,
        aliases=("output_size", "num_classes"),
        guesses=("no", "n_o", "output", "outputs", "output_size", "out", "n_out", "o", "y"),
    ),
    Keyword(
        "proj",
        "recurrent projection size",
        kind="part",
        symbol="n_r",
        help="recurrent projection n_r (lstm/lstmp)",
        solvable=True,
        per_layer=True,
        aliases=("proj_size", "num_proj"),
        guesses=("nr", "n_r", "r", "proj", "proj_size", "rec_proj"),
    ),
    Keyword(
        "nonrec_proj",
        "non-recurrent projection size",
        kind="part",
        symbol="n_p",
        help="non-recurrent projection n_p (Sak et al. 2014)",
        solvable=True,
        per_layer=True,
        guesses=("np", "n_p", "p", "nonrec_proj", "nonrec"),
    ),
    Keyword(
        "vocab",
        "vocabulary size (embedding rows)",
        kind="part",
        symbol="n_v",
        help="vocabulary: an embedding of vocab x input in front",
        solvable=True,
        aliases=("vocab_size", "num_embeddings"),
        guesses=("V", "vocab", "vocab_size", "nv", "n_v"),
    ),
    Keyword("bidirectional", "two directions per layer", kind="flag"),
    Keyword(
        "merge",
        "how the two directions meet",
        kind="choice",
        default="concat",
        choices=MERGES,
        aliases=("merge_mode",),
    ),
    Keyword(
        "tied",
        "the output layer shares the embedding matrix",
        kind="flag",
        aliases=("tie_weights",),
    ),
)
