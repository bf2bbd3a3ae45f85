"""``zhurnal demo``: a school built, its workbooks filled as staff would, and ingested."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.demo.fill import fill_workbook
from zhurnal.demo.school import DemoSchool, build_school
from zhurnal.ingest.pipeline import IngestReport, ingest
from zhurnal.report import ingest_table
from zhurnal.settings import load_settings
from zhurnal.store import open_store
from zhurnal.store import queries as q
from zhurnal.templates.issue import issue_roster, issue_setup
from zhurnal.templates.kinds import SETUP, roster_spec
from zhurnal.workspace import init_workspace

MARKER = ".zhurnal-demo"


@dataclass
class DemoSummary:
    workspace: Path
    reports: list[IngestReport] = field(default_factory=list)
    expected_rejections: int = 0

    @property
    def ok(self) -> bool:
        rejected = sum(1 for r in self.reports for f in r.files if f.status == "rejected")
        failed = sum(1 for r in self.reports for f in r.files if f.status == "failed")
        return failed == 0 and rejected == self.expected_rejections


def _fresh_workspace(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise FileExistsError(f"{directory} exists and is not a demo workspace; choose another folder")
        shutil.rmtree(directory)
    init_workspace(directory, code="school17", name="МБОУ СОШ № 17")
    toml = directory / "zhurnal.toml"
    # the demo writes whole files itself, so there is nothing to wait for
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                    encoding="utf-8")
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
    engine = open_store(settings.store_url)
    school: DemoSchool = build_school(students, seed)
    summary = DemoSummary(directory)

    def run(title: str) -> None:
        report = ingest(settings, engine)
        summary.reports.append(report)
        echo(f"\n== {title}\n{ingest_table(report)}")

    template = issue_setup(settings, engine)
    fill_workbook(template, settings.inbox / "Настройка школы 2026-2027.xlsx", SETUP, school.setup)
    run("Администратор сдаёт книгу настройки школы")

    # the class with mistakes is one that splits into subgroups, so every kind of slip shows
    faulty = next(code for code, roster in school.rosters.items()
                  if any(k.startswith("subgroup:") for k in roster["Ученики"][0]) and code[0] in "56789")
    for code, roster in school.rosters.items():
        template = issue_roster(settings, engine, code)
        spec = roster_spec(tuple(k.split(":", 1)[1] for k in roster["Ученики"][0] if k.startswith("subgroup:")))
        data = with_mistakes(roster) if code == faulty else roster
        fill_workbook(template, settings.inbox / f"Список {code}.xlsx", spec, data)
    summary.expected_rejections = 1
    run(f"Классные руководители сдают списки классов (в списке {faulty} есть ошибки)")

    template = issue_roster(settings, engine, faulty)
    roster = school.rosters[faulty]
    spec = roster_spec(tuple(k.split(":", 1)[1] for k in roster["Ученики"][0] if k.startswith("subgroup:")))
    fill_workbook(template, settings.inbox / f"Список {faulty} исправленный.xlsx", spec, roster)
    run(f"Классный руководитель {faulty} исправляет ошибки и сдаёт список снова")

    with engine.connect() as conn:
        counts = q.counts(conn, q.ensure_school(conn, settings.school.code, settings.school.name))
    echo("\n== Итог")
    echo(f"Учителей {counts['teachers']}, классов {counts['classes']}, учеников {counts['students']}, "
         f"родителей {counts['parents']}, уроков в расписании {counts['timetable']}.")
    echo(f"Рабочая папка:        {directory}")
    echo(f"Шаблоны:              {settings.templates}")
    echo(f"Книга с ошибками:     {next(iter(sorted((settings.outbox / 'feedback').rglob('*.xlsx'))), '—')}")
    echo(f"Архив сдач:           {settings.archive}")
    echo(f"Хранилище:            {directory / 'master.sqlite'}")
    echo(f"Дальше: zhurnal --workspace {directory} status")
    return summary
