"""Many designs at once: a compiled total evaluated over numpy arrays in blocks, in place.

The inputs are read one block at a time. A block is checked first (sizes >= 1, and its
largest sizes bound every value met while evaluating it: the absolute-value polynomial at
the block's maxima, exact Python ints); the checks bring its inputs into the cache, where
the generated in-place code of :func:`explorer.algebra._codegen.array_function` then reads
them and writes the block's totals straight into the result. No block is evaluated before
it passed. Extra memory is the result and a few blocks; the inputs are never copied whole,
broadcast or cast whole. When a block's bound passes int64 the whole call is done again on
exact Python ints (``overflow="exact"``) or refused (``overflow="raise"``).

Example:
    >>> import explorer, numpy as np
    >>> c = explorer.formula("rnn", convention="weights")
    >>> evaluate_many(c, {"input": 3, "cells": np.array([2, 4]), "layers": 2}, "raise")
    array([18, 60])
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from explorer.algebra._compiled import CompiledCount
from explorer.algebra._protocol import FamilyLike, complete
from explorer.errors import ConflictError, CountOverflowError, InvalidSizeError

if TYPE_CHECKING:
    import numpy as np


__all__ = ["BLOCK", "evaluate_many"]

#: Designs per block: small enough that a block's inputs, scratch and result stay in cache.
BLOCK = 1 << 15
INT64_MAX = 2**63 - 1


class Evaluable(Protocol):
    """What evaluation reads of a count: its compiled form, its family and structure (for
    derived sizes), and its slot values with the given ones in place."""

    @property
    def compiled(self) -> CompiledCount:
        """The compiled form."""
        ...

    @property
    def family(self) -> FamilyLike:
        """The family (it completes derived sizes)."""
        ...

    @property
    def structure(self) -> Hashable:
        """The structure."""
        ...

    def _arguments(
        self, given: Mapping[str, Any], *, scalar: bool, complete: bool = True
    ) -> list[Any]:
        """The slot values, ``given`` in place of the bound ones."""
        ...


def evaluate_many(
    count: Evaluable, given: Mapping[str, Any], overflow: str
) -> np.ndarray[Any, Any]:
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
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):  # ragged lists: [[1, 2], [3]]
            raise InvalidSizeError(
                f"{slots[k].label} must be an integer array of one shape, got ragged lists"
            ) from None
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
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        listed = ", ".join(
            f"{slots[k].label} {np.shape(v)}" for k, v in enumerate(raw) if np.size(v) > 1
        )
        raise ConflictError(
            f"the arrays cannot be broadcast together ({listed}): give arrays of one shape, "
            "or shapes numpy broadcasts (a column against a row)"
        ) from None
    size = 1
    for extent in shape:
        size *= extent
    if size == 0:
        return np.empty(shape, dtype=np.int64)
    varying = [k for k, column in enumerate(columns) if column is not None]
    if not varying:  # one design, however the inputs were shaped
        values = list(numbers)
        if derived:
            complete(count.family, count.structure, values)
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
        complete(count.family, count.structure, values)
    exact = compiled.function("total")(*values)
    return np.array(np.broadcast_to(np.asarray(exact, dtype=object), shape))


def _overflow(bound: int) -> CountOverflowError:
    return CountOverflowError(
        f"counts up to {bound:,} exceed int64; use overflow='exact' for Python integers"
    )


def _blocks(
    count: Evaluable,
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
    blocks = _Blocks(count, numbers, varying, derived, overflow)
    shape = result.shape
    plain = all(columns[k].shape == shape and columns[k].flags.c_contiguous for k in varying)
    if plain and not derived and all(columns[k].dtype == blocks.int64 for k in varying):
        return blocks.lean(columns, result.reshape(-1))
    return blocks.general(columns, result, plain)


class _Blocks:
    """The state of one call: the generated code, the bound, scratch, the last block's
    values and their peaks.

    Each block is checked before it is evaluated: the checks read its inputs from memory,
    the evaluation then finds them in the cache (measured on 1e7 random designs, checking
    after the evaluation was about 2% slower), and a block that fails is never evaluated.
    """

    def __init__(
        self,
        count: Evaluable,
        numbers: list[Any],
        varying: list[int],
        derived: list[int],
        overflow: str,
    ) -> None:
        import numpy as np

        self.int64 = np.dtype(np.int64)
        self.count, self.varying, self.derived, self.overflow = count, varying, derived, overflow
        self.slots = count.compiled.slots
        self.plan = count.compiled.array_plan()
        self.bound = count.compiled.function("bound")
        self.temps = [np.empty(BLOCK, dtype=np.int64) for _ in range(self.plan.temporaries)]
        self.values = list(numbers)
        self.peaks = list(numbers)
        self.smallest, self.largest = np.minimum.reduce, np.maximum.reduce  # .min() costs 2x

    def _scratch(self, n: int) -> list[Any]:
        return self.temps if n == BLOCK else [t[:n] for t in self.temps]

    def _check(self, k: int, piece: Any) -> None:
        low = int(self.smallest(piece))
        if low < 1:
            raise InvalidSizeError(f"{self.slots[k].label} must be positive, got {low}")
        self.peaks[k] = int(self.largest(piece))

    def _fits(self) -> bool:
        limit = self.bound(*self.peaks)
        if limit <= INT64_MAX:
            return True
        if self.overflow == "raise":
            raise _overflow(limit)
        return False

    def lean(self, columns: list[Any], out: Any) -> bool:
        """The common case, kept lean: int64 inputs of the result's shape, flat views."""
        values, check, function = self.values, self._check, self.plan.function
        flats = [(k, columns[k].reshape(-1)) for k in self.varying]
        for start in range(0, out.size, BLOCK):
            stop = start + BLOCK
            for k, flat in flats:
                piece = values[k] = flat[start:stop]
                check(k, piece)
            if not self._fits():
                return False
            target = out[start:stop]
            function(target, self._scratch(len(target)), *values)
        return True

    def general(self, columns: list[Any], result: Any, plain: bool) -> bool:
        """Any inputs: cast per block, derived sizes filled per block; broadcast or strided
        inputs through numpy's iterator, which hands out aligned blocks of each, buffered,
        so that no input is ever expanded whole."""
        import numpy as np

        if plain:
            out = result.reshape(-1)
            flats = [columns[k].reshape(-1) for k in self.varying]
            return all(
                self._run([f[start : start + BLOCK] for f in flats], out[start : start + BLOCK])
                for start in range(0, out.size, BLOCK)
            )
        operands: list[Any] = [*(columns[k] for k in self.varying), result]
        iterator = np.nditer(  # type: ignore[call-overload]
            operands,
            flags=["external_loop", "buffered", "zerosize_ok", "refs_ok"],
            op_flags=[*(["readonly"] for _ in self.varying), ["writeonly"]],
            buffersize=BLOCK,
            order="C",
        )
        with iterator:
            return all(self._run(pieces, target) for *pieces, target in iterator)

    def _run(self, pieces: list[Any], target: Any) -> bool:
        values, derived = self.values, self.derived
        for k, piece in zip(self.varying, pieces):
            self._check(k, piece)  # before the cast, which would wrap what int64 cannot hold
            values[k] = piece if piece.dtype == self.int64 else piece.astype(self.int64)
        if derived:
            for k in derived:
                values[k] = None
            complete(self.count.family, self.count.structure, values)
            for k in derived:
                piece = values[k]
                self.peaks[k] = int(piece.max()) if hasattr(piece, "max") else int(piece)
        if not self._fits():
            return False
        self.plan.function(target, self._scratch(len(target)), *values)
        return True
