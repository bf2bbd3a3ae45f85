"""Every sentence the command line prints, one function per report (the library returns values;
these turn them into Russian text through gettext; ``--json`` prints ``as_dict()`` instead).

- :mod:`~zhurnal.report.table` — tables that fit the terminal, kind/status/severity labels
- :mod:`~zhurnal.report.ingest` — ``ingest``, ``validate``
- :mod:`~zhurnal.report.status` — ``status``, the backup health lines
- :mod:`~zhurnal.report.publish` — ``publish``, ``fetch``, ``send``, ``run``
- :mod:`~zhurnal.report.history` — ``history``
- :mod:`~zhurnal.report.backup` — ``backup``, ``restore``, ``db …``
- :mod:`~zhurnal.report.commands` — ``init``, ``period``, ``year``, ``access``, ``keys``
"""

from zhurnal.report.ingest import ingest_table

__all__ = ["ingest_table"]
