"""Symbol names of the sizes (sympy-free, so the fast path need not import sympy).

Example:
    >>> SYMBOL_NAMES["cells"]
    'n_c'
"""

__all__ = ["DESIGN_ORDER", "MEANING", "SYMBOL_NAMES", "layer_symbol_name"]

#: The order in which a design's keywords are shown (sizes, then structural options).
DESIGN_ORDER = (
    "input",
    "cells",
    "layers",
    "output",
    "proj",
    "nonrec_proj",
    "vocab",
    "bidirectional",
    "merge",
    "tied",
)

SYMBOL_NAMES = {
    "input": "n_i",
    "cells": "n_c",
    "proj": "n_r",
    "nonrec_proj": "n_p",
    "output": "n_o",
    "vocab": "n_v",
    "layers": "L",
}

MEANING = {
    "input": "input size (the embedding size when a vocabulary is given)",
    "cells": "cells (hidden units) per layer and direction",
    "proj": "recurrent projection size",
    "nonrec_proj": "non-recurrent projection size",
    "output": "output layer size",
    "vocab": "vocabulary size (embedding rows)",
    "layers": "number of recurrent layers",
}


def layer_symbol_name(keyword: str, layer: int) -> str:
    """``n_c1`` for the cells of layer 1."""
    return f"{SYMBOL_NAMES[keyword]}{layer}"
