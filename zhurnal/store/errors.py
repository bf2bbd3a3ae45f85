"""The store's own error, apart from the engine so that every store module can raise it."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot be used as it is (not a data problem: exit 2 in the command line)."""
