"""The year's end: ``year close`` (lock the year, write its archive) and ``year reopen``.

Above the journal layers (it reads history and the store, renders like publish and takes the
run lock like ingest); the year's own data (ledger, lock, snapshot digest) is in
:mod:`zhurnal.year`, which any layer may read.
"""
