"""Shared test set-up: an isolated formula cache for the whole run."""

from __future__ import annotations

import os
import tempfile

import pytest

# Before explorer is imported anywhere: the tests must neither read nor fill the user's cache.
os.environ.setdefault("EXPLORER_CACHE_DIR", tempfile.mkdtemp(prefix="explorer-test-cache-"))


def pytest_configure(config: pytest.Config) -> None:
    """Nothing else to configure; markers live in pyproject.toml."""
