"""Exact closed-form counts of any PyTorch module or Hugging Face model.

``derive`` builds the target on the meta device (nothing is allocated), counts its unique
parameters, fits the polynomial in the varied arguments exactly (rational arithmetic),
verifies it by fresh builds at held-out points, and returns a :class:`Derived` that counts
and solves without torch; or it refuses, saying why no polynomial fits and what to try.
torch and transformers are imported inside this package only, and only when building.

Example:
    >>> import pytest; _ = pytest.importorskip("torch")
    >>> import explorer
    >>> lstm = explorer.derive("torch.nn.LSTM", vary="input_size=1:256,hidden_size=1:256",
    ...                        cache=False)
    >>> lstm.formula_text
    '4*hidden_size*(input_size + hidden_size + 2)'
    >>> lstm.count(input_size=39, hidden_size=128)
    86528
"""

from explorer.derivation._config import ROUTE, count_config, count_unknown_type, derive_config
from explorer.derivation._derive import MAX_DEGREE, derive
from explorer.derivation._derived import Derived, load_derived
from explorer.derivation._domain import Range, parse_settings, parse_ties, parse_vary
from explorer.derivation._errors import MissingLibraryError, NoPolynomialError, TargetError
from explorer.derivation._family import DerivedFamily, family_name, is_derived_file, register
from explorer.derivation._tensors import DerivedTensor

__all__ = [
    "MAX_DEGREE",
    "ROUTE",
    "Derived",
    "DerivedFamily",
    "DerivedTensor",
    "MissingLibraryError",
    "NoPolynomialError",
    "Range",
    "TargetError",
    "count_config",
    "count_unknown_type",
    "derive",
    "derive_config",
    "family_name",
    "is_derived_file",
    "load_derived",
    "parse_settings",
    "parse_ties",
    "parse_vary",
    "register",
]
