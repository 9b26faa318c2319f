"""IndRNN (Li et al. 2018) as a test family: its layers are one block of its own
(:mod:`tests.families.independent`), registered with one line.

Per layer with input m and n cells: n·m + n weights, plus n or 2n biases.

Example:
    >>> INDRNN.gates
    ('h',)
"""

from explorer.recurrent import RecurrentFamily
from tests.families.independent import IndependentCells

__all__ = ["INDRNN"]

INDRNN = RecurrentFamily(
    name="indrnn",
    description="IndRNN: independently recurrent cells, a recurrent weight per cell (Li et al. "
    "2018)",
    gates=("h",),
    blocks=(IndependentCells(),),
)
