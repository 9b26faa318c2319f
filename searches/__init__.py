"""Budget-constrained Optuna searches and design sweeps (one module per search).

They use :mod:`explorer`'s public API only.
"""
