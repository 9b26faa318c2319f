"""Number formats and their sizes: what one stored number costs.

Example:
    >>> DTYPES["bf16"].bits, dtype("bfloat16").name, dtype("int4").bits
    (16, 'bf16', 4)
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.errors import UnknownNameError

__all__ = ["DTYPES", "Dtype", "dtype"]


@dataclass(frozen=True, slots=True)
class Dtype:
    """A number format.

    Attributes:
        name: ``fp32``, ``bf16``, ``fp16``, ``int8``, ``int4``.
        bits: bits per number. Below 8, numbers are packed two 4-bit numbers to a byte
            along a tensor's last dimension, each row a whole number of bytes (as
            ``torch.quint4x2`` stores them); quantisation scales and zero points are not
            included.
        floating: a floating-point format (training state needs one).
        torch: the name of the ``torch`` dtype, for cross-checks.
        aliases: other names users type (``float32``, ``bfloat16`` ...).
    """

    name: str
    bits: int
    floating: bool
    torch: str
    aliases: tuple[str, ...] = ()

    def nbytes(self, numbers: int) -> int:
        """Bytes of ``numbers`` numbers stored together (packed below 8 bits).

        Example:
            >>> DTYPES["int4"].nbytes(5), DTYPES["fp16"].nbytes(5)
            (3, 10)
        """
        return -(-numbers * self.bits // 8)

    def tensor_bytes(self, shape: tuple[int, ...]) -> int:
        """Bytes of one tensor: below 8 bits, packed along its last dimension, each row a
        whole number of bytes (as ``torch.quint4x2`` stores a tensor).

        Example:
            >>> DTYPES["int4"].tensor_bytes((3, 7)), DTYPES["int4"].tensor_bytes((21,))
            (12, 11)
        """
        if not shape:
            return self.nbytes(1)
        rows = 1
        for size in shape[:-1]:
            rows *= size
        return rows * self.nbytes(shape[-1])


DTYPES: dict[str, Dtype] = {
    d.name: d
    for d in (
        Dtype("fp32", 32, True, "float32", ("float32", "float", "f32")),
        Dtype("bf16", 16, True, "bfloat16", ("bfloat16",)),
        Dtype("fp16", 16, True, "float16", ("float16", "half", "f16")),
        Dtype("int8", 8, False, "int8", ("i8",)),
        Dtype("int4", 4, False, "quint4x2", ("i4",)),
    )
}


def dtype(name: str | Dtype) -> Dtype:
    """A format by name or alias (any case).

    Example:
        >>> dtype("fp8")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.UnknownNameError: unknown dtype 'fp8'; did you mean 'fp32'? known: ...
    """
    if isinstance(name, Dtype):
        return name
    key = str(name).lower()
    for found in DTYPES.values():
        if key == found.name or key in found.aliases:
            return found
    raise UnknownNameError.for_name("dtype", name, DTYPES)
