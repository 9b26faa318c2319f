"""Compute-optimal sizing under published fits (Hoffmann et al. 2022; Besiroglu et al.
2024): the parameters and tokens a training compute calls for, then exact designs.

Example:
    >>> o = FITS()["hoffmann2022-1"].at_params(10e9)  # Table 3: 1.23e22 FLOPs, 205.1B
    >>> f"{o.flops:.2e}", f"{o.tokens / 1e9:.1f}"
    ('1.23e+22', '205.1')
"""

from explorer.scaling._fits import FITS, Fit, Optimum, ParametricFit, TableFit, fit
from explorer.scaling._plan import DEFAULT_FIT, RULE, Plan, plan

__all__ = [
    "DEFAULT_FIT",
    "FITS",
    "RULE",
    "Fit",
    "Optimum",
    "ParametricFit",
    "Plan",
    "TableFit",
    "fit",
    "plan",
]
