"""The numbers behind the deputy's summaries, gathered from the store for a week or a period.

Only pupils enrolled at the report's date count (:mod:`zhurnal.school.enrolment`): a period report
takes those enrolled on the period's last day, a week's summary those enrolled in the week.
5-point and pass/fail subjects both give results; a week's running figures during an open period
say «мало отметок» (:data:`zhurnal.publish.metrics.FEW`) where the period report says н/а."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from zhurnal.core.errors import UnknownPeriod
from zhurnal.core.settings import Settings
from zhurnal.publish.attendance import Attendance, attendance
from zhurnal.publish.homework import DueDates
from zhurnal.publish.homework_load import DayLoad, homework_load
from zhurnal.publish.metrics import FEW
from zhurnal.publish.teacher_mail import reminded_logins, teacher_rows
from zhurnal.publish.trends import period_weeks, week_number
from zhurnal.publish.wrong_addresses import wrong_addresses
from zhurnal.school.averages import NO_MARKS, ClassAverages, class_averages
from zhurnal.school.calendar import Week, period_kind, week_of
from zhurnal.school.extracurricular import GroupHours, hours_against_plan
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.marks import suggested_mark, suggested_pass
from zhurnal.school.roster_freshness import StaleRoster, stale_rosters_in
from zhurnal.school.snapshot import School, Section
from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass
class Result:
    """One student in one subject: the period average so far and the result counted in metrics."""

    student_id: int
    class_code: str
    subject: str
    teacher: str
    average: float | None
    count: int
    period_mark: str | None
    result: str | None          # the period mark if set, else the mark the marks suggest (None: no marks;
                                # «мало» during an open period where the period report says н/а)
    week_result: str | None     # the mark the week's own marks suggest (None: no marks this week)
    scale: str = "5"            # "5" | "pass" (зач/незач: no average; ``count`` counts its marks)
    few: bool = False           # open period: fewer marks than due by now (:func:`marks_due`), none included


@dataclass
class TeacherControl:
    teacher: str
    timetabled: int = 0
    with_topic: int = 0
    with_homework: int = 0
    with_marks: int = 0
    submitted: str = "нет"       # нет | в срок | с опозданием | не принят (see _punctuality)
    few_marks: int = 0           # students with fewer marks than the minimum (н/а risk)
    planned: int | None = None   # КТП lessons planned up to the week's end (None: no КТП at all)
    delivered: int | None = None  # lessons held with a topic up to the week's end (None: no КТП)
    reminded: bool = False       # reminded after the hand-in deadline (zhurnal.batch.remind)


@dataclass
class SummaryData:
    school: School
    title: str
    results: list[Result] = field(default_factory=list)
    absences: dict[int, dict[str, int]] = field(default_factory=dict)          # student → reason → lessons
    period_absences: dict[int, int] = field(default_factory=dict)
    control: list[TeacherControl] = field(default_factory=list)
    disagreements: list[list[str]] = field(default_factory=list)   # journal vs register, per cell
    rule: str = "marked"                                            # [metrics] n_rule
    running: bool = False         # a week's figures in an open period: «мало отметок», not н/а
    attendance: Attendance | None = None                            # days and lessons missed, lates
    enrolled: dict[str, list[int]] = field(default_factory=dict)   # class → pupils counted (by name)
    # classes whose roster was not confirmed within [roster] confirm_every_days at the week's end
    stale_rosters: list[StaleRoster] = field(default_factory=list)
    confirm_every_days: int = 7
    # extracurricular groups: hours held up to the week's end against the year's plan
    extracurricular: list[GroupHours] = field(default_factory=list)
    # parents' addresses a mail server refused for good, unchanged in the roster since: class,
    # parent, address, the server's answer, the week it was refused (wrong_addresses)
    wrong_addresses: list[list[str]] = field(default_factory=list)
    # a week's homework due per class and school day, estimated against the СанПиН limit
    homework_load: list[DayLoad] = field(default_factory=list)


def _week_periods(school: School, week: Week) -> dict[str, dict]:
    """Class → the period the week's diaries speak of (see :meth:`School.week_period`)."""
    return {code: period for code in school.classes if (period := school.week_period(code, week))}


def _result(mine, period_mark: str | None, scale: str, minimum: int, due: float | None,
            thresholds: tuple[float, float, float]) -> str | None:
    """A pupil's period result: the period mark if set, else what the marks suggest (None: no
    marks at all). ``due``: the marks expected by now in an open period (:func:`marks_due`) —
    fewer give :data:`FEW`, not a suggested н/а; None in a closed period or a period report,
    where fewer than ``minimum`` give н/а."""
    if period_mark:
        return period_mark
    count = mine.passed + mine.failed if scale == "pass" else mine.count
    if not count:
        return None
    if due is not None and count < due:
        return FEW
    floor = 1 if due is not None else minimum
    if scale == "pass":
        return suggested_pass(mine.passed, mine.failed, floor)
    return suggested_mark(mine.average, mine.count, thresholds, floor)


def marks_due(minimum: int, period: dict, week: Week, pro_rata: bool) -> float:
    """How many marks a pupil should have by the end of ``week`` in an open ``period``:
    ``minimum`` × weeks gone / the period's weeks with ``[metrics] few_marks_pro_rata`` (week 2
    of a 9-week quarter with a minimum of 3: 3 × 2 / 9 = 0.67, so one mark is enough), else the
    whole ``minimum`` (a pupil is «мало отметок» from the first week to the last)."""
    if not pro_rata:
        return minimum
    return minimum * min(1.0, week_number(period, week) / period_weeks(period))


def gather(conn: Connection, school: School, settings: Settings, *, until: dt.date, week: Week | None,
           periods: dict[str, dict], title: str, running: bool = False,
           averages: dict[str, ClassAverages] | None = None) -> SummaryData:
    """Results per student and subject for the classes in ``periods`` (class → period row), for
    the pupils enrolled in ``week``, else on ``until`` (the period's end). ``averages`` (class →
    averages from the period's start to ``until`` over those pupils, as
    :func:`~zhurnal.publish.week_data.week_averages` gives them) when the caller has them already."""
    data = SummaryData(school=school, title=title, rule=settings.metrics.n_rule, running=running)
    if not periods:
        return data
    marks = settings.marks
    so_far: dict[str, ClassAverages] = {}       # class → the period up to ``until``
    this_week: dict[str, ClassAverages] = {}    # class → the week's own marks (within the period)
    dates = (week.monday, week.sunday) if week else (until, None)
    for code, period in periods.items():
        data.enrolled[code] = [st["id"] for st in school.class_students(code, *dates)]
        if not school.classes[code]["has_marks"]:
            continue
        roster = data.enrolled[code]
        end = min(until, period["end"])
        minimum = {"period_kind": period_kind(period["code"]), "hours": school.subject_hours(code)}
        if averages is not None and code in averages:
            so_far[code] = averages[code]
        else:
            so_far[code] = class_averages(conn, school.school_id, code, period["start"], end, settings=marks,
                                          roster=roster, **minimum)
        if week:
            this_week[code] = class_averages(conn, school.school_id, code, max(week.monday, period["start"]), end,
                                             settings=marks, roster=roster, **minimum)
    stored = {(r["student_id"], r["subject"], r["period"]): r["mark"] for r in q.table_rows(conn, s.period_marks, school.school_id)}
    for section, teacher in sorted(school.load.items(),
                                   key=lambda kv: (class_sort_key(kv[0].class_code), kv[0].subject, kv[0].subgroup)):
        period = periods.get(section.class_code)
        scale = school.subjects[section.subject]["scale"]
        if section.class_code not in so_far or scale not in ("5", "pass"):
            continue
        for student in school.section_students(section, *dates):
            mine = so_far[section.class_code][section.subject].of(student["id"])
            in_week = this_week[section.class_code][section.subject].of(student["id"]) if week else NO_MARKS
            period_mark = stored.get((student["id"], section.subject, period["code"]))
            least = marks.min_marks_for(period_kind(period["code"]),
                                        school.subject_hours(section.class_code).get(section.subject))
            due = marks_due(least, period, week or week_of(until), settings.metrics.few_marks_pro_rata) \
                if running and period["code"] not in school.closed_periods else None
            count = mine.count if scale == "5" else mine.passed + mine.failed
            data.results.append(Result(
                student["id"], section.class_code, section.subject, teacher, mine.average, count, period_mark,
                _result(mine, period_mark, scale, least, due, marks.thresholds),
                suggested_mark(in_week.average, in_week.count, marks.thresholds, 1)
                if in_week.count and scale == "5" else None, scale, due is not None and count < due))
    _absences(conn, school, data, periods, week, until)
    data.attendance = attendance(conn, school, {code: period["start"] for code, period in periods.items()},
                                 until, data.enrolled, week=week)
    return data


def _absences(conn, school: School, data: SummaryData, periods: dict[str, dict], week: Week | None,
              until: dt.date) -> None:
    start = min(p["start"] for p in periods.values())
    counted = {sid for pupils in data.enrolled.values() for sid in pupils}
    for row in q.absences_between(conn, school.school_id, start, until):
        student = school.students.get(row["student_id"])
        if not student or student["class_code"] not in periods or row["student_id"] not in counted:
            continue
        data.period_absences[row["student_id"]] = data.period_absences.get(row["student_id"], 0) + row["lessons"]
        if week is None or row["date"] in week:
            reasons = data.absences.setdefault(row["student_id"], {})
            reasons[row["reason"] or "?"] = reasons.get(row["reason"] or "?", 0) + row["lessons"]


def week_summary(conn: Connection, school: School, settings: Settings, week: Week, *,
                 averages: dict[str, ClassAverages] | None = None, homework: DueDates | None = None) -> SummaryData:
    """The week's summaries; results are for each class's period of the week, as its diaries give
    it (``averages``: the diaries' own, :func:`~zhurnal.publish.week_data.week_averages`;
    ``homework``: the diaries' due dates, :attr:`~zhurnal.publish.week_data.WeekData.homework`,
    for the homework load; without them, none)."""
    data = gather(conn, school, settings, until=week.sunday, week=week, periods=_week_periods(school, week),
                  title=f"Неделя {week.title()}", running=True, averages=averages)
    data.control = _control(conn, school, settings, week, data)
    data.disagreements = _disagreements(conn, school, week)
    data.confirm_every_days = settings.roster.confirm_every_days
    data.stale_rosters = stale_rosters_in(conn, school.school_id, data.confirm_every_days,
                                          dt.datetime.combine(week.sunday, dt.time(23, 59, 59)))
    data.extracurricular = hours_against_plan(conn, school.school_id, until=week.sunday)
    data.wrong_addresses = _wrong_rows(conn, school)
    if homework is not None:     # the week before (the front page's comparison) needs none
        data.homework_load = homework_load(school, homework, week, settings.journal.homework_minutes)
    return data


def _wrong_rows(conn: Connection, school: School) -> list[list[str]]:
    return sorted([", ".join(w["classes"]), w["parent"], w["address"], w["response"], w["week"] or ""]
                  for w in wrong_addresses(conn, school.school_id).values())


REGISTER_CHECKS = ("mark-on-absent-day", "absent-but-present-in-register")


def _disagreements(conn: Connection, school: School, week: Week) -> list[list[str]]:
    """Where accepted journals of the week disagree with the class teachers' registers (the
    warnings ingest gave): teacher, file, sheet, cell, what; the newest submission per cell."""
    found: dict[tuple[str, str, str, str], list[str]] = {}
    rows = conn.execute(select(s.submissions.c.author, s.submissions.c.original_name, s.submissions.c.findings)
                        .where(s.submissions.c.school_id == school.school_id, s.submissions.c.kind == "journal",
                               s.submissions.c.status == "accepted", s.submissions.c.week == week.label)
                        .order_by(s.submissions.c.id))
    for row in rows:
        for item in json.loads(row.findings or "[]"):
            if item.get("code") in REGISTER_CHECKS:
                key = (row.author or "", item.get("sheet", ""), item.get("cell", ""), item["code"])
                found[key] = [row.author or "", row.original_name, item.get("sheet", ""), item.get("cell", ""),
                              item.get("message", "")]
    return sorted(found.values())


def period_summary(conn: Connection, school: School, settings: Settings, code: str) -> SummaryData:
    """The period report: the classes the period covers, results to its last day."""
    period = school.calendar.period_row(code)
    if period is None:
        raise UnknownPeriod(code, sorted({p["code"] for p in school.calendar.periods}))
    periods = {c: period for c, cls in school.classes.items() if period["grade_from"] <= cls["grade"] <= period["grade_to"]}
    data = gather(conn, school, settings, until=period["end"], week=None, periods=periods,
                  title=f"{period['name']} ({period['start']:%d.%m.%Y} – {period['end']:%d.%m.%Y})")
    data.wrong_addresses = _wrong_rows(conn, school)
    return data


def _control(conn, school: School, settings: Settings, week: Week, data: SummaryData) -> list[TeacherControl]:
    lessons = q.lessons_between(conn, school.school_id, week.monday, week.sunday)
    cells = {e["lesson_id"] for e in q.entries_of(conn, [l["id"] for l in lessons]) if e["marks"]}
    by_section = defaultdict(list)
    for lesson in lessons:
        by_section[Section(lesson["class_code"], lesson["subject"], lesson["subgroup"])].append(lesson)
    submitted = _punctuality(conn, school, week, settings.journal.edit_window_days)
    few = defaultdict(int)
    periods = _week_periods(school, week)
    for result in data.results:
        few[result.teacher] += result.few
    plan = defaultdict(int)
    for item in q.table_rows(conn, s.plan_items, school.school_id):
        period = periods.get(item["class_code"])
        if period and period["start"] <= item["date"] <= week.sunday:
            plan[Section(item["class_code"], item["subject"], item["subgroup"])] += 1
    delivered = defaultdict(int)
    starts = [p["start"] for p in periods.values()]
    for lesson in (q.lessons_between(conn, school.school_id, min(starts), week.sunday) if starts else []):
        if lesson["topic"]:
            delivered[Section(lesson["class_code"], lesson["subject"], lesson["subgroup"])] += 1
    found = {}
    for section, teacher in school.load.items():
        row = found.setdefault(teacher, TeacherControl(teacher))
        row.timetabled += len(school.lessons(section, week))
        for lesson in by_section.get(section, []):
            row.with_topic += bool(lesson["topic"])
            row.with_homework += bool(lesson["homework"])
            row.with_marks += lesson["id"] in cells
        if plan.get(section):
            row.planned = (row.planned or 0) + plan[section]
            row.delivered = (row.delivered or 0) + delivered.get(section, 0)
    reminded = reminded_logins(conn, school.school_id, week.label)
    logins = {name: teacher.login for name, teacher in teacher_rows(conn, school.school_id).items()}
    for teacher, row in found.items():
        row.few_marks = few.get(teacher, 0)
        row.submitted = submitted.get(teacher, "нет")
        row.reminded = logins.get(teacher) in reminded
    return sorted((r for r in found.values() if r.timetabled), key=lambda r: r.teacher)


def _punctuality(conn, school: School, week: Week, window_days: int) -> dict[str, str]:
    """Teacher → «в срок», «с опозданием» or «не принят» for the week's journal.

    Judged by the first submission: on time when the first one (accepted or not) came by the
    week's Sunday and an accepted one followed within the editing window (``window_days``)
    — a teacher who sent on time and corrected a rejected journal is not late; «не принят» when
    nothing was accepted yet.
    """
    deadline = dt.datetime.combine(week.sunday, dt.time(23, 59, 59))
    first: dict[str, dt.datetime] = {}
    accepted: dict[str, dt.datetime] = {}
    for row in conn.execute(select(s.submissions.c.author, s.submissions.c.received_at, s.submissions.c.status).where(
            s.submissions.c.school_id == school.school_id, s.submissions.c.kind == "journal",
            s.submissions.c.status.in_(("accepted", "rejected")), s.submissions.c.week == week.label)):
        first[row.author] = min(first.get(row.author, row.received_at), row.received_at)
        if row.status == "accepted":
            accepted[row.author] = min(accepted.get(row.author, row.received_at), row.received_at)
    said = {}
    for teacher, came in first.items():
        if teacher not in accepted:
            said[teacher] = "не принят"
        elif accepted[teacher] <= deadline or \
                (came <= deadline and accepted[teacher] <= deadline + dt.timedelta(days=window_days)):
            said[teacher] = "в срок"
        else:
            said[teacher] = "с опозданием"
    return said
