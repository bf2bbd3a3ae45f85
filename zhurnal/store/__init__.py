"""The master dataset: schema, migrations and the queries the stages need."""

from zhurnal.store.engine import open_store

__all__ = ["open_store"]
