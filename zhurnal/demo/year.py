"""``zhurnal demo DIR --year``: a small school run through a whole school year, week by week.

Every school week its teachers hand in their journals and the class teachers their registers
(on Sunday); in the third school week one teacher corrects two marks and a topic of an accepted
journal (so the archive has corrections); at each period's end the teachers set the period
marks the sheet suggests and the period is closed (and, with ``publish``, its report cards and
report are published); at the end the year is closed and its archive written.

The school is small on purpose (a few classes, a few subjects of one or two lessons a week,
one timetable for all periods) so a year runs in about 15 s of CPU; the tests run two classes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.batch.issue import issue_period, issue_prior_marks, issue_setup, issue_year
from zhurnal.closing.close import CloseReport, close_year
from zhurnal.core.errors import NotASchoolWeek
from zhurnal.core.settings import load_settings
from zhurnal.demo.curriculum import subjects_for
from zhurnal.demo.fill import fill_grid, fill_workbook, grid_values
from zhurnal.demo.run import _correction, _filled_week, _fresh_workspace
from zhurnal.demo.school import build_school, roster_subjects
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.pipeline import IngestReport, ingest
from zhurnal.ingest.read import cells_of
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.kinds.roster.spec import spec as roster_spec
from zhurnal.kinds.setup.spec import SPEC as SETUP_SPEC
from zhurnal.merge.period_lock import close_period
from zhurnal.publish.run import publish_period
from zhurnal.school.calendar import Week, period_kind, week_of
from zhurnal.school.context import RunContext, open_context
from zhurnal.store import open_store
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.metadata import sections

# (code, grade, pupils): a grade of quarters, the exam grade 9, and grade 11 on semesters
YEAR_CLASSES = [("5А", 5, 12), ("9А", 9, 12), ("11А", 11, 10)]
# the subjects a year-demo class learns, with at most this many lessons a week
YEAR_HOURS = {"Русский язык": 2, "Математика": 2, "Алгебра": 2, "Геометрия": 1, "Английский язык": 1,
              "История": 1, "ОДНКНР": 1}
# the demo's curriculum (zhurnal.demo.curriculum) ends Музыка in grade 7 and Труд in grade 8, where
# the federal one has 8 and 9: the school says so in its [attestat] settings
ATTESTAT_SETTINGS = 'last_grade_9 = { "Музыка" = 7, "Изобразительное искусство" = 7, "Труд (технология)" = 8 }'

SETUP_NOW = dt.datetime(2026, 8, 28, 10, 0)
# with one or two lessons a week a teacher marks more pupils a lesson, or a quarter's three
# marks would not come together (and the period mark would be н/а)
YEAR_MARK_SHARE = 0.5
CORRECTION_WEEK = 3          # the n-th school week brings a correction of an accepted journal


def small_curriculum(grade: int) -> list[tuple[str, int]]:
    """A few subjects of ``grade`` with one or two lessons a week (see ``YEAR_HOURS``)."""
    return [(name, min(hours, YEAR_HOURS[name])) for name, hours in subjects_for(grade) if name in YEAR_HOURS]


@dataclass
class YearSummary:
    workspace: Path
    reports: list[IngestReport] = field(default_factory=list)
    weeks: int = 0                          # school weeks run
    closed_periods: list[str] = field(default_factory=list)
    corrected: str = ""                     # «<class> <subject>» sheet whose journal was corrected
    close: CloseReport | None = None

    @property
    def ok(self) -> bool:
        return all(f.status == "accepted" for r in self.reports for f in r.files)


def school_weeks(start: dt.date, end: dt.date) -> list[Week]:
    """Every week from the one holding ``start`` to the one holding ``end``."""
    weeks, week = [], week_of(start)
    while week.monday <= end:
        weeks.append(week)
        week = Week(week.monday + dt.timedelta(days=7))
    return weeks


def _period_marks(path: Path) -> dict[str, dict]:
    """What a teacher types into an issued period sheet: the suggested mark («зач» on a
    pass/fail sheet, which suggests nothing)."""
    return {sheet: {(i, "mark"): cells.get((i, "suggested")) or "зач" for i, key in cells
                    if key == "mark" and isinstance(i, int) and cells[(i, key)] in (None, "")}
            for sheet, cells in grid_values(path).items()}


# the exams the demo's pupils sit: ОГЭ in grade 9 (marks 2–5), ЕГЭ in grade 11 (points)
EXAMS = {9: ("ОГЭ", ("Математика", "Алгебра", "Русский язык")), 11: ("ЕГЭ", ("Математика", "Русский язык"))}


def _year_marks(path: Path, rng: random.Random) -> dict[str, dict]:
    """What a teacher hands in on an issued year sheet: the prefilled year marks as they are
    (handing them in confirms them) and, in the exam grades, each pupil's exam and result."""
    groups = {info["sheet"]: info for info in sections(read_metadata(cells_of(path)))["sheets"]}
    typed: dict[str, dict] = {}
    for sheet, cells in grid_values(path).items():
        group = groups[sheet]
        grade = int("".join(ch for ch in group["class_code"] if ch.isdigit()))
        form, subjects = EXAMS.get(grade, ("", ()))
        if group["subject"] not in subjects:
            continue
        typed[sheet] = {}
        for pupil in (i for i, key in cells if key == "exam" and isinstance(i, int)):
            result = str(rng.choice((3, 4, 4, 5, 5))) if form == "ОГЭ" else str(rng.randint(45, 95))
            typed[sheet].update({(pupil, "exam_form"): form, (pupil, "exam"): result})
    return typed


def run_year(directory: Path, *, classes: list[tuple[str, int, int]] | None = None, seed: int = 2026,
             publish: bool = True, echo: Callable[[str], None] = print) -> YearSummary:
    """Build the small school in ``directory``, run its year week by week and close it."""
    _fresh_workspace(directory)
    toml = directory / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'combine_9 = "year_then_exam"', f'combine_9 = "year_then_exam"\n{ATTESTAT_SETTINGS}'), encoding="utf-8")
    settings = load_settings(directory)
    ctx = open_context(settings, open_store(settings.store_url), now=SETUP_NOW)
    school = build_school(seed=seed, classes=classes or YEAR_CLASSES, curriculum=small_curriculum, whole_year=True)
    summary = YearSummary(directory)

    def run(title: str, now: dt.datetime) -> None:
        report = ingest(dataclasses.replace(ctx, now=now))
        summary.reports.append(report)
        bad = [f"{f.name}: {f.status}" for f in report.files if f.status != "accepted"]
        echo(f"{title}: книг {len(report.files)}" + (f" (не принято: {', '.join(bad)})" if bad else ""))

    fill_workbook(issue_setup(ctx), settings.inbox / "Настройка школы 2026-2027.xlsx", SETUP_SPEC, school.setup)
    run("Настройка школы", SETUP_NOW)
    for code, roster in school.rosters.items():
        fill_workbook(issue_roster(ctx, code), settings.inbox / f"Список {code}.xlsx",
                      roster_spec(roster_subjects(roster)), roster)
    run("Списки классов", SETUP_NOW)

    with ctx.engine.connect() as conn:
        row = q.school_row(conn, ctx.school_id)
        periods = q.table_rows(conn, s.periods, ctx.school_id, "end", "code")
    with tempfile.TemporaryDirectory() as staging:
        for week in school_weeks(row["year_start"], row["year_end"]):
            sunday = dt.datetime.combine(week.sunday, dt.time(12))
            at = dataclasses.replace(ctx, now=sunday)
            try:
                filled = _filled_week(at, week, Path(staging) / week.label, seed + summary.weeks, YEAR_MARK_SHARE)
            except NotASchoolWeek:
                continue
            summary.weeks += 1
            for path in [*filled.journals.values(), *filled.registers.values()]:
                shutil.copy(path, settings.inbox / path.name)
            run(f"Неделя {week.label}", sunday)
            if summary.weeks == CORRECTION_WEEK:
                teacher = sorted(filled.journals)[0]
                path, sheet = _correction(filled, teacher, settings.inbox / f"поправка_{filled.journals[teacher].name}")
                summary.corrected = sheet
                run(f"Неделя {week.label}: {teacher} поправляет две отметки и тему", sunday + dt.timedelta(hours=1))
            for period in (p for p in periods if p["end"] in week and p["code"] not in summary.closed_periods
                           and period_kind(p["code"]) != "year"):
                _close_period(at, period["code"], Path(staging) / period["code"], run, summary, publish, echo)
    at = dataclasses.replace(ctx, now=dt.datetime.combine(row["year_end"], dt.time(10)))
    rng = random.Random(seed)
    if any(grade == 11 for _, grade, _ in classes or YEAR_CLASSES):
        # the school's first year with zhurnal: grade 10's marks of today's grade 11 typed in
        for path in issue_prior_marks(at):
            fill_grid(path, settings.inbox / path.name, {
                sheet: {(i, key): rng.choice("3445") for i, key in cells if isinstance(i, int) and "|" in str(key)}
                for sheet, cells in grid_values(path).items()})
        run("Отметки 10 класса (первый год с журналом)", at.now)
    if any(grade == 9 for _, grade, _ in classes or YEAR_CLASSES):
        # the grade-9 attestat lists the subjects finished in grades 5–8 with their last year mark
        for path in issue_prior_marks(at, grade="5-8"):
            fill_grid(path, settings.inbox / path.name, {
                sheet: {(i, key): rng.choice("3455") for i, key in cells if isinstance(i, int) and "|" in str(key)}
                for sheet, cells in grid_values(path).items()})
        run("Годовые отметки за 5–8 классы (предметы, законченные до 9 класса)", at.now)
    for path in issue_year(at):
        fill_grid(path, settings.inbox / path.name, _year_marks(path, rng))
    run("Годовые отметки и экзамены", at.now)
    summary.close = close_year(dataclasses.replace(ctx, now=dt.datetime.combine(row["year_end"], dt.time(15))),
                               row["year_label"])
    echo(f"\n== Год {row['year_label']} закрыт: школьных недель {summary.weeks}, "
         f"закрытых периодов {len(summary.closed_periods)}")
    echo(f"Рабочая папка:        {directory}")
    echo(f"Архив года (PDF/A):   {summary.close.folder}")
    echo(f"Опись архива:         {summary.close.folder / 'manifest.json'}")
    echo(f"Снимок базы, sha256:  {summary.close.snapshot}")
    echo(f"Табели и отчёты:      {', '.join(str(settings.outbox / c) for c in summary.closed_periods)}")
    if summary.close.year_cards is not None:
        cards = summary.close.year_cards
        echo(f"Годовые табели:       {cards.outbox} (табелей {cards.diaries}, писем семьям {cards.mails})")
    echo(f"Дальше: zhurnal --workspace {directory} year reopen {row['year_label']} --reason «…»")
    return summary


def _close_period(ctx: RunContext, code: str, staging: Path, run, summary: YearSummary, publish: bool,
                  echo: Callable[[str], None]) -> None:
    """The period sheets filled with the suggested marks and ingested, the period closed and
    (with ``publish``) its report cards and report published."""
    for path in issue_period(ctx, code, out_dir=staging):
        fill_grid(path, ctx.settings.inbox / path.name, _period_marks(path))
    run(f"Отметки за период {code}", ctx.now + dt.timedelta(hours=2))
    with ctx.engine.begin() as conn:
        close_period(conn, ctx.school_id, code, closed=True, reason=None, now=ctx.now + dt.timedelta(hours=3))
    summary.closed_periods.append(code)
    if publish:
        report = publish_period(dataclasses.replace(ctx, now=ctx.now + dt.timedelta(hours=4)), code)
        echo(f"Период {code} закрыт; табелей {report.diaries}, отчёт: {report.summaries[0]}")
    else:
        echo(f"Период {code} закрыт")
