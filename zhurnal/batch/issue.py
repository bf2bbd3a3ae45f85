"""Issuing templates to staff: each kind writes its own workbooks; this is what the commands call.

Every template comes prefilled with what the store holds, so staff edit rather than retype.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.errors import NoClasses
from zhurnal.kinds.attendance import issue as attendance
from zhurnal.kinds.extracurricular import issue as extracurricular
from zhurnal.kinds.journal import issue as journal
from zhurnal.kinds.period import issue as period
from zhurnal.kinds.plan import issue as plan
from zhurnal.kinds.prior import issue as prior
from zhurnal.kinds.roster import issue as roster
from zhurnal.kinds.setup import issue as setup
from zhurnal.kinds.year import issue as year
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.lookup import find_class, find_teacher
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s


def issue_setup(ctx: RunContext, out_dir: Path | None = None, *, defaults: bool = False) -> Path:
    """The school setup workbook, prefilled with the current setup; with ``defaults``, a school
    without a setup gets the federal defaults of the current school year."""
    return setup.issue(ctx, out_dir, defaults=defaults)


def _teacher(ctx: RunContext, teacher: str | None) -> str | None:
    """The teacher as the setup spells the name; :class:`UnknownTeacher` when there is none."""
    if not teacher:
        return None
    with ctx.engine.connect() as conn:
        names = [r["full_name"] for r in q.table_rows(conn, s.teachers, ctx.school_id)]
    return find_teacher(teacher, names)


def issue_rosters(ctx: RunContext, class_code: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """The roster of ``class_code`` (5a, 5A: read as 5А), or of every class;
    :class:`UnknownClass`, :class:`NoClasses`."""
    with ctx.engine.connect() as conn:
        codes = [r["code"] for r in q.table_rows(conn, s.classes, ctx.school_id, "grade", "code")]
    if not codes:
        raise NoClasses()
    if class_code:
        return [roster.issue(ctx, find_class(class_code, codes), out_dir)]
    return [roster.issue(ctx, code, out_dir) for code in codes]


def issue_week(ctx: RunContext, week: Week, *, teacher: str | None = None,
               out_dir: Path | None = None) -> list[Path]:
    """One journal per teacher and one attendance register per class teacher for ``week``;
    :class:`NotASchoolWeek` for a week outside the school year or all holidays,
    :class:`UnknownTeacher` for a teacher the setup does not have."""
    with ctx.engine.connect() as conn:
        load_school(conn, ctx.school_id).require_school_week(week)
    teacher = _teacher(ctx, teacher)
    return (journal.issue(ctx, week, teacher=teacher, out_dir=out_dir)
            + attendance.issue(ctx, week, teacher=teacher, out_dir=out_dir))


def issue_period(ctx: RunContext, period_code: str, *, teacher: str | None = None,
                 out_dir: Path | None = None) -> list[Path]:
    """Period-mark workbooks per teacher; :class:`UnknownPeriod` when the setup has no such period,
    :class:`UnknownTeacher`."""
    return period.issue(ctx, period_code, teacher=_teacher(ctx, teacher), out_dir=out_dir)


def issue_plans(ctx: RunContext, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """A calendar-thematic plan (КТП) per teacher × class × subject × subgroup, prefilled."""
    return plan.issue(ctx, teacher=_teacher(ctx, teacher), out_dir=out_dir)


def issue_year(ctx: RunContext, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """Year-mark workbooks per teacher (with exams for grades 9 and 11); :class:`NoYearPeriod`
    when the setup has no year period, :class:`UnknownTeacher`."""
    return year.issue(ctx, teacher=_teacher(ctx, teacher), out_dir=out_dir)


def issue_prior_marks(ctx: RunContext, *, grade: int | str = 10, out_dir: Path | None = None) -> list[Path]:
    """Workbooks for the marks pupils got in ``grade`` in an earlier year, before the school
    kept its journal in zhurnal (one per class now a grade above); ``grade`` «5-8»: the grade-9
    pupils' year marks of the subjects finished in grades 5–8 (for the attestat);
    :class:`NoClasses`."""
    if grade == prior.BASIC:
        return prior.issue_basic(ctx, out_dir=out_dir)
    return prior.issue(ctx, grade=int(grade), out_dir=out_dir)


def issue_extracurricular(ctx: RunContext, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """The extracurricular journal of ``teacher`` (a new one, to start their groups), else of every
    teacher who keeps a group; :class:`UnknownTeacher`."""
    named = _teacher(ctx, teacher)
    if named:
        return [extracurricular.issue(ctx, named, out_dir=out_dir)]
    assert ctx.school_id is not None
    with ctx.engine.connect() as conn:
        keeping = sorted({g["teacher"] for g in q.table_rows(conn, s.extra_groups, ctx.school_id)})
    return [extracurricular.issue(ctx, name, out_dir=out_dir) for name in keeping]
