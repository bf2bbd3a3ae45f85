"""``zhurnal demo``: a school built, its workbooks filled as staff would, and ingested."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.batch.issue import issue_setup, issue_week
from zhurnal.core.errors import NotADemoFolder
from zhurnal.core.settings import load_settings
from zhurnal.demo.fill import fill_grid, fill_workbook
from zhurnal.demo.school import DemoSchool, build_school, roster_subjects
from zhurnal.demo.week import WeekFill, fill_week
from zhurnal.ingest.pipeline import IngestReport, ingest
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.kinds.roster.spec import spec as roster_spec
from zhurnal.kinds.setup.spec import SPEC as SETUP_SPEC
from zhurnal.publish.run import publish_week
from zhurnal.report import ingest_table
from zhurnal.school.calendar import parse_week
from zhurnal.school.context import RunContext, open_context
from zhurnal.school.snapshot import load_school
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store
from zhurnal.store import queries as q

MARKER = ".zhurnal-demo"
DEMO_WEEK = parse_week("2026-W48")
# the two weeks before it are filled quietly, so averages and period figures mean something
EARLIER_WEEKS = (parse_week("2026-W46"), parse_week("2026-W47"))
# the demo's runs happen on the Saturday of each week, whatever today's date is; the late
# teacher hands in on Monday
DEMO_NOW = dt.datetime(2026, 11, 28, 14, 0)
LATE_NOW = dt.datetime(2026, 11, 30, 9, 0)


@dataclass
class DemoSummary:
    workspace: Path
    reports: list[IngestReport] = field(default_factory=list)
    expected_rejections: int = 0
    corrected_class: str = ""

    @property
    def ok(self) -> bool:
        rejected = sum(1 for r in self.reports for f in r.files if f.status == "rejected")
        failed = sum(1 for r in self.reports for f in r.files if f.status == "failed")
        return failed == 0 and rejected == self.expected_rejections


def _fresh_workspace(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise NotADemoFolder(directory)
        shutil.rmtree(directory)
    init_workspace(directory, code="school17", name="МБОУ СОШ № 17")
    toml = directory / "zhurnal.toml"
    # the demo writes whole files itself, so there is nothing to wait for
    # and the deputy gets the summaries, so every kind of mail appears once; its staff still hand
    # in through the top inbox/ as before teachers had their own folders
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
                    .replace("author_folders_only = true", "author_folders_only = false")
                    .replace('deputy_address = ""', 'deputy_address = "zavuch@school17.example"'), encoding="utf-8")
    (directory / MARKER).write_text("made by 'zhurnal demo'; the whole folder is rebuilt on the next run\n")


def with_mistakes(roster: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """A class teacher's typical slips: a bad date, a bad e-mail, a stray parent, a wrong subgroup."""
    students = [dict(s) for s in roster["Ученики"]]
    parents = [dict(p) for p in roster["Родители"]]
    students[1]["birth_date"] = "31.02.2016"
    for key in students[2]:
        if key.startswith("subgroup:"):
            students[2][key] = "3"
    parents[0]["email"] = parents[0]["email"].split("@")[0] + "@mail" if parents[0]["email"] else "mail.ru"
    parents.append({"full_name": "Кузнецова Ирина Павловна", "relation": "мать", "email": "i.kuznetsova@mail.ru",
                    "phone": "+7 912 000-11-22", "receives_diary": "да", "student": None})
    return {"Ученики": students, "Родители": parents}


def run_demo(directory: Path, *, students: int = 300, seed: int = 2026,
             echo: Callable[[str], None] = print) -> DemoSummary:
    """Build the demo school in ``directory`` and push its workbooks through ingest."""
    _fresh_workspace(directory)
    settings = load_settings(directory)
    ctx = open_context(settings, open_store(settings.store_url), now=DEMO_NOW)
    school: DemoSchool = build_school(students, seed)
    summary = DemoSummary(directory)

    def run(title: str, now: dt.datetime = DEMO_NOW) -> None:
        report = ingest(dataclasses.replace(ctx, now=now))
        summary.reports.append(report)
        echo(f"\n== {title}\n{ingest_table(report)}")

    template = issue_setup(ctx)
    fill_workbook(template, settings.inbox / "Настройка школы 2026-2027.xlsx", SETUP_SPEC, school.setup)
    run("Администратор сдаёт книгу настройки школы")

    # the class with mistakes is one that splits into subgroups, so every kind of slip shows
    faulty = next(code for code, roster in school.rosters.items()
                  if any(k.startswith("subgroup:") for k in roster["Ученики"][0]) and code[0] in "56789")
    for code, roster in school.rosters.items():
        template = issue_roster(ctx, code)
        spec = roster_spec(roster_subjects(roster))
        data = with_mistakes(roster) if code == faulty else roster
        fill_workbook(template, settings.inbox / f"Список {code}.xlsx", spec, data)
    summary.expected_rejections = 1
    run(f"Классные руководители сдают списки классов (в списке {faulty} есть ошибки)")

    template = issue_roster(ctx, faulty)
    roster = school.rosters[faulty]
    spec = roster_spec(roster_subjects(roster))
    fill_workbook(template, settings.inbox / f"Список {faulty} исправленный.xlsx", spec, roster)
    run(f"Классный руководитель {faulty} исправляет ошибки и сдаёт список снова")

    with tempfile.TemporaryDirectory() as staging:
        for number, week in enumerate(EARLIER_WEEKS):
            _quiet_week(ctx, week, Path(staging) / week.label, seed + number, run)
        _school_week(ctx, Path(staging) / DEMO_WEEK.label, seed, run, summary)
    published = publish_week(ctx, DEMO_WEEK)

    with ctx.engine.connect() as conn:
        counts = q.counts(conn, ctx.school_id)
    echo("\n== Итог")
    echo(f"Учителей {counts['teachers']}, классов {counts['classes']}, учеников {counts['students']}, "
         f"родителей {counts['parents']}, уроков в расписании {counts['timetable']}.")
    echo(f"В журнале за три недели: уроков {counts['lessons']}, отметок и пометок {counts['journal_entries']}, "
         f"пропусков по дням {counts['absences']}, изменений в истории {counts['revisions']}.")
    echo(f"Рабочая папка:        {directory}")
    echo(f"Шаблоны:              {settings.templates}")
    echo(f"Книга с ошибками:     {next(iter(sorted((settings.outbox / 'feedback').rglob('*.xlsx'))), '—')}")
    echo(f"Архив сдач:           {settings.archive}")
    echo(f"Хранилище:            {directory / 'master.sqlite'}")
    echo(f"Журналы недели:       {settings.templates / DEMO_WEEK.label}")
    echo(f"\n== Публикация недели {DEMO_WEEK.label}: дневников {published.diaries}, писем родителям "
         f"{published.mails}, пакетов для печати {len(published.print_bundles)}, писем учителям с ошибками "
         f"{published.feedback_mails}")
    example = next(iter(sorted((settings.outbox / DEMO_WEEK.label / "diaries").rglob("*.pdf"))), None)
    echo(f"Дневник (PDF):        {example}")
    echo(f"Письма (.eml):        {settings.outbox / DEMO_WEEK.label / 'mail'}")
    echo(f"Печать для классов:   {settings.outbox / DEMO_WEEK.label / 'print'}")
    echo(f"Сводка завучу:        {published.summaries[0]}")
    deputy = next(iter(sorted((settings.outbox / DEMO_WEEK.label / "mail").glob("summary.*.eml"))), None)
    echo(f"Письмо завучу:        {deputy or '— (задайте [mail] deputy_address)'}")
    echo(f"Сводки по классам:    {settings.outbox / DEMO_WEEK.label / 'summaries' / 'классы'} "
         f"(писем классным руководителям: {published.class_mails})")
    echo("Отправка почты:       задайте [smtp] в zhurnal.toml и выполните zhurnal send")
    echo(f"Дальше: zhurnal --workspace {directory} status")
    echo(f"        zhurnal --workspace {directory} history --class {summary.corrected_class} --from 23.11.2026")
    return summary


def _with_journal_mistakes(filled: WeekFill, teacher: str, target: Path) -> Path:
    """A teacher's slips: a mark off the scale, a mark with «н», a broken double mark."""
    values = filled.values[teacher]
    sheet = next(name for name, cells in values.items() if any(isinstance(k[0], int) for k in cells))
    cells = [k for k in values[sheet] if isinstance(k[0], int)]
    slips = dict(zip(cells, ("6", "5н", "5//4")))
    return fill_grid(filled.journals[teacher], target, {sheet: slips})


def _correction(filled: WeekFill, teacher: str, target: Path) -> tuple[Path, str]:
    """Two marks changed and one topic reworded in an already accepted journal."""
    values = filled.values[teacher]
    sheet = next(name for name, cells in values.items()
                 if sum(1 for k, v in cells.items() if isinstance(k[0], int) and v[:1].isdigit()) >= 2)
    marks = [k for k, v in values[sheet].items() if isinstance(k[0], int) and v[:1].isdigit()][:2]
    changes = {marks[0]: "5", marks[1]: "4"} if values[sheet][marks[0]] != "5" else {marks[0]: "4", marks[1]: "5"}
    topic_key = next(k for k in values[sheet] if k[0] == "topic")
    changes[topic_key] = values[sheet][topic_key] + " (повторение)"
    return fill_grid(filled.journals[teacher], target, {sheet: changes}), sheet


def _filled_week(ctx: RunContext, week, staging: Path, seed: int, mark_share: float = 0.3) -> WeekFill:
    """The week's templates issued and filled as staff would, in ``staging``."""
    templates = issue_week(ctx, week)
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
    return fill_week(school, templates, staging, week, random.Random(seed),
                     allow_plus_minus=ctx.settings.marks.allow_plus_minus, mark_share=mark_share)


def _quiet_week(ctx: RunContext, week, staging: Path, seed: int, run) -> None:
    """A week in which everybody hands in on time and without mistakes."""
    filled = _filled_week(ctx, week, staging, seed)
    for path in [*filled.journals.values(), *filled.registers.values()]:
        shutil.move(path, ctx.settings.inbox / path.name)
    run(f"Неделя {week.label}: все сдают журналы вовремя", now=dt.datetime.combine(week.sunday, dt.time(12)))


def _school_week(ctx: RunContext, staging: Path, seed: int, run, summary: DemoSummary) -> None:
    settings = ctx.settings
    filled = _filled_week(ctx, DEMO_WEEK, staging, seed)
    teachers = sorted(filled.journals)
    late, careless, corrector = teachers[0], teachers[1], teachers[2]
    for teacher, path in filled.journals.items():
        if teacher == careless:
            _with_journal_mistakes(filled, teacher, settings.inbox / path.name)
        elif teacher != late:
            shutil.copy(path, settings.inbox / path.name)
    for path in filled.registers.values():
        shutil.copy(path, settings.inbox / path.name)
    summary.expected_rejections += 1
    run(f"Неделя {DEMO_WEEK.label}: учителя и классные руководители сдают журналы "
        f"({careless} ошибается, {late} опаздывает)")

    shutil.copy(filled.journals[careless], settings.inbox / f"исправлено_{filled.journals[careless].name}")
    shutil.copy(filled.journals[late], settings.inbox / filled.journals[late].name)
    path, sheet = _correction(filled, corrector, settings.inbox / f"поправка_{filled.journals[corrector].name}")
    summary.corrected_class = sheet.split()[0]
    run(f"{careless} исправляет ошибки, {late} сдаёт с опозданием, {corrector} поправляет две отметки и тему",
        now=LATE_NOW)
