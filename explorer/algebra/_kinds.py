"""The term kinds the algebra itself reads (sympy-free, for the fast path).

Bias vectors are counted apart from weights (``Count.biases``), embedding tables apart
from the rest (``Count.embedding``). Every other kind is a family's word, shown as it is.

Example:
    >>> BIAS, EMBEDDING
    ('bias', 'embedding')
"""

__all__ = ["BIAS", "EMBEDDING"]

BIAS = "bias"
EMBEDDING = "embedding"
