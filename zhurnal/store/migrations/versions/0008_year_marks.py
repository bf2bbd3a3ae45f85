"""The school year: exam marks (ОГЭ, ГВЭ, ЕГЭ) and marks of earlier years (grade 10's semester and
year marks that grade 11's final marks need). Year marks live in ``period_marks`` under the
year period's code.

Revision ID: 0008
"""

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0008", "0007", None, None


def upgrade() -> None:
    introduce(revision)
