"""The setup workbook: the sysadmin's school configuration, authoritative for the whole setup.

:mod:`.spec` declares it (each sheet bound to its store table), :mod:`.issue` writes it,
:mod:`.records` holds its rules (its records are the shared table reader's), :mod:`.plan`
replaces the stored setup with it.
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind
from zhurnal.kinds.setup.plan import SetupPlan, TableRows
from zhurnal.kinds.setup.records import check_setup
from zhurnal.kinds.setup.spec import BOUND, SCHOOL_FIELDS, SPEC, UNIQUE, to_store
from zhurnal.validate.table import read_tables


class SetupKind(WorkbookKind):
    name = "setup"
    title = SPEC.title
    changes_school = True

    def records(self, sub, ctx: StepContext) -> Records:
        return Records.of_tables(*read_tables(sub.cells, SPEC, yo_as_ye=ctx.yo))

    def plan(self, records: Records, ctx: StepContext) -> SetupPlan:
        checked = check_setup(records.value, UNIQUE, yo_as_ye=ctx.yo)
        school_rows = checked.tables["Школа"].rows
        school = school_rows[0].values if school_rows else {}   # empty: a finding says so
        tables = [TableRows(sheet.table, sheet.key,
                            [to_store(sheet.name, row.values) for row in checked.tables[sheet.name].rows])
                  for sheet in BOUND]
        return SetupPlan({k: school.get(k) for k in SCHOOL_FIELDS}, tables, findings=checked.findings)


KIND = SetupKind()
