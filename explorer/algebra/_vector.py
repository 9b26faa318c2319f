"""Many designs at once: a compiled total evaluated over numpy arrays in blocks, in place.

The inputs are read one block at a time: the generated in-place code of
:func:`explorer.algebra._codegen.array_function` writes the block's totals straight into
the result, then the block is checked while it is still in the cache (sizes >= 1, and its
largest sizes bound every value met while evaluating it: the absolute-value polynomial at
the block's maxima, exact Python ints). No result is returned before every block passed.
Extra memory is the result and a few blocks; the inputs are never copied whole, broadcast
or cast whole. When a block's bound passes int64 the whole call is done again on exact
Python ints (``overflow="exact"``) or refused (``overflow="raise"``).

Example:
    >>> import explorer, numpy as np
    >>> c = explorer.formula("rnn", convention="weights")
    >>> evaluate_many(c, {"input": 3, "cells": np.array([2, 4]), "layers": 2}, "raise")
    array([18, 60])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from explorer.errors import CountOverflowError, InvalidSizeError

if TYPE_CHECKING:
    import numpy as np

    from explorer.algebra._count import Count

__all__ = ["BLOCK", "evaluate_many"]

#: Designs per block: small enough that a block's inputs, scratch and result stay in cache.
BLOCK = 1 << 15
INT64_MAX = 2**63 - 1


def evaluate_many(count: Count, given: Mapping[str, Any], overflow: str) -> np.ndarray[Any, Any]:
    """The totals of ``count`` over the arrays (and numbers) in ``given``, broadcast
    together; see :meth:`explorer.algebra.Count.evaluate_many`."""
    import numpy as np

    compiled = count.compiled
    slots = compiled.slots
    raw = count._arguments(given, scalar=False, complete=False)
    derived = [k for k, value in enumerate(raw) if value is None]
    columns: list[Any] = [None] * len(raw)  # arrays that vary, by slot
    numbers: list[Any] = [None] * len(raw)  # values that do not (Python ints), by slot
    shapes = []
    for k, value in enumerate(raw):
        if value is None:
            continue
        array = np.asarray(value)
        if array.dtype.kind not in "iu":
            raise InvalidSizeError(f"{slots[k].label} must be an integer array, got {array.dtype}")
        shapes.append(array.shape)
        if array.size == 1:
            number = int(array.reshape(-1)[0])
            if number < 1:
                raise InvalidSizeError(f"{slots[k].label} must be positive, got {number}")
            numbers[k] = number
        else:
            columns[k] = array
    shape = np.broadcast_shapes(*shapes)
    size = 1
    for extent in shape:
        size *= extent
    if size == 0:
        return np.empty(shape, dtype=np.int64)
    varying = [k for k, column in enumerate(columns) if column is not None]
    if not varying:  # one design, however the inputs were shaped
        values = list(numbers)
        if derived:
            count.family.complete(count.structure, values)
        total = compiled.function("total")(*values)
        if total > INT64_MAX and overflow == "raise":
            raise _overflow(compiled.function("bound")(*values))
        return np.full(shape, total, dtype=np.int64 if total <= INT64_MAX else object)

    result = np.empty(shape, dtype=np.int64)
    done = _blocks(
        count, columns, numbers, varying=varying, derived=derived, result=result, overflow=overflow
    )
    if done:
        return result
    # Past int64: exact Python ints over the whole arrays (object arrays, as slow as ints).
    values = [
        raw[k] if raw[k] is None else np.asarray(raw[k]).astype(object) for k in range(len(raw))
    ]
    if derived:
        count.family.complete(count.structure, values)
    exact = compiled.function("total")(*values)
    return np.array(np.broadcast_to(np.asarray(exact, dtype=object), shape))


def _overflow(bound: int) -> CountOverflowError:
    return CountOverflowError(
        f"counts up to {bound:,} exceed int64; use overflow='exact' for Python integers"
    )


def _blocks(
    count: Count,
    columns: list[Any],
    numbers: list[Any],
    *,
    varying: list[int],
    derived: list[int],
    result: np.ndarray[Any, Any],
    overflow: str,
) -> bool:
    """Evaluate block by block into ``result``; ``False`` when int64 does not suffice and
    exact ints are wanted (the caller starts again), raising when they are not."""
    import numpy as np

    compiled = count.compiled
    slots = compiled.slots
    plan = compiled.array_plan()
    bound = compiled.function("bound")
    out = result.reshape(-1)  # a view: the result is C-contiguous
    shape = result.shape
    plain = all(columns[k].shape == shape and columns[k].flags.c_contiguous for k in varying)
    temps = [np.empty(BLOCK, dtype=np.int64) for _ in range(plan.temporaries)]
    values = list(numbers)
    peaks = list(numbers)

    def run(pieces: list[Any], target: Any) -> bool:
        # The block is evaluated first and checked after, while its inputs are still in
        # the cache (checking first would read them from memory once more); a block that
        # fails the checks is never returned.
        n = len(target)
        for k, piece in zip(varying, pieces):
            values[k] = piece if piece.dtype == np.int64 else piece.astype(np.int64)
        if derived:
            for k in derived:
                values[k] = None
            count.family.complete(count.structure, values)
        plan.function(target, temps if n == BLOCK else [t[:n] for t in temps], *values)
        for k, piece in zip(varying, pieces):
            low = int(piece.min())
            if low < 1:
                raise InvalidSizeError(f"{slots[k].label} must be positive, got {low}")
            peaks[k] = int(piece.max())
        for k in derived:
            piece = values[k]
            peaks[k] = int(piece.max()) if hasattr(piece, "max") else int(piece)
        limit = bound(*peaks)
        if limit > INT64_MAX:
            if overflow == "raise":
                raise _overflow(limit)
            return False
        return True

    if plain:
        flats = [columns[k].reshape(-1) for k in varying]
        for start in range(0, out.size, BLOCK):
            stop = start + BLOCK
            if not run([f[start:stop] for f in flats], out[start:stop]):
                return False
        return True
    # Broadcast or strided inputs: numpy's iterator hands out aligned blocks of each,
    # buffered, so that no input is ever expanded whole.
    operands: list[Any] = [*(columns[k] for k in varying), result]
    iterator = np.nditer(  # type: ignore[call-overload]
        operands,
        flags=["external_loop", "buffered", "zerosize_ok", "refs_ok"],
        op_flags=[*(["readonly"] for _ in varying), ["writeonly"]],
        buffersize=BLOCK,
        order="C",
    )
    with iterator:
        for *pieces, target in iterator:
            if not run(pieces, target):
                return False
    return True
