"""Compute and memory as exact quantities: formats, memory conventions, byte and FLOP
budgets.

The FLOPs themselves are a count's (``explorer.count(..., seq=T).flops``): each family
declares its matrix products as named terms beside its parameters. This package adds what
is convention rather than structure: number formats, what a memory figure includes, and
the units a budget is read in.

Example:
    >>> import explorer
    >>> c = explorer.count("gpt2", seq=1024, batch=8)
    >>> m = memory(c, dtype="fp16", kv_cache=True)
    >>> m.breakdown["kv cache"], m.kv_per_token  # 2 x 12 layers x 768 x 2 bytes per token
    (301989888, 36864)
"""

from explorer.measures._approximations import Approximation, approximations
from explorer.measures._budgets import PARAMETERS, PER, Bytes, Flops, Parameters, Per
from explorer.measures._dtypes import DTYPES, Dtype, dtype
from explorer.measures._memory import (
    ACTIVATION_FORMULAS,
    OPTIMIZERS,
    Memory,
    MemoryConvention,
    MemoryTerm,
    memory,
    memory_convention,
)
from explorer.measures._units import BYTE_UNITS, parse_bytes, parse_flops

__all__ = [
    "ACTIVATION_FORMULAS",
    "BYTE_UNITS",
    "DTYPES",
    "OPTIMIZERS",
    "PARAMETERS",
    "PER",
    "Approximation",
    "Bytes",
    "Dtype",
    "Flops",
    "Memory",
    "MemoryConvention",
    "MemoryTerm",
    "Parameters",
    "Per",
    "approximations",
    "dtype",
    "memory",
    "memory_convention",
    "parse_bytes",
    "parse_flops",
]
