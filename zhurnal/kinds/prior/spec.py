"""The earlier years' marks' declaration: its name, version and title. Its grid has no fixed
columns: one per subject × period of the grade (:func:`zhurnal.kinds.prior.issue.prior_periods`),
each offering the marks a period allows (:func:`zhurnal.kinds.period.spec.choices_for`)."""

from __future__ import annotations

from zhurnal.text.labels import Kind

NAME, VERSION, TITLE = "prior", 1, Kind.PRIOR.label
