"""The batch library: one function per command of the command line, each returning a report.

A report has ``ok``, ``exit_code`` (0 done, 1 done with rejections or failures to report) and
``as_dict()``; a problem that stops a command is a named exception of
:mod:`zhurnal.core.errors` (exit 2 usage or configuration, 3 infrastructure), see
:func:`zhurnal.batch.faults.named`. The command line only builds the context, makes one call
here and prints the report (:mod:`zhurnal.report`).

- :mod:`~zhurnal.batch.workspace` — ``init`` and the run context of every other command
- :mod:`~zhurnal.batch.week` — ``run``: the weekly batch in one call
- :mod:`~zhurnal.batch.steps` — ``ingest``, ``publish``, ``fetch``, ``send`` (the steps ``run`` chains)
- :mod:`~zhurnal.batch.issue` — ``templates …``
- :mod:`~zhurnal.batch.status`, :mod:`~zhurnal.batch.history` — the read-only views
- :mod:`~zhurnal.batch.store`, :mod:`~zhurnal.batch.access` — ``db …``, ``backup``, ``access …``
"""
