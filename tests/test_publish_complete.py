"""Nothing empty is mailed (issue 25, point 3): a class's diaries are published for a week only
when its journals of the week are in; the others are held and their missing journals named.

Oracles: which teacher's journal each class needs is read from the setup's tables with plain SQL
(timetable × teaching load); the letters' recipients from the .eml files with the email parser;
the diaries' words with pdftotext."""

from __future__ import annotations

import datetime as dt
import email
import json
import random
import re
import shutil
import subprocess
from email.policy import default
from pathlib import Path

from click.testing import CliRunner
from conftest import WEEK
from sqlalchemy import insert

from zhurnal.batch.remind import remind_late
from zhurnal.cli import main
from zhurnal.demo.week import fill_week
from zhurnal.report.commands import remind_text
from zhurnal.school.calendar import parse_week
from zhurnal.store import schema as s
from zhurnal.text.i18n import speaking


def _run(ws, *args: str):
    return CliRunner().invoke(main, ["-w", str(ws.path), *args])


def _needed(ws) -> dict[str, set[tuple[str, str]]]:
    """Class → {(teacher, subject)} whose journals the class's timetable needs (plain SQL)."""
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT t.class_code, l.teacher, t.subject FROM timetable t JOIN teaching_load l "
            "ON l.class_code = t.class_code AND l.subject = t.subject AND l.subgroup = t.subgroup").all()
    found: dict[str, set[tuple[str, str]]] = {}
    for code, teacher, subject in rows:
        found.setdefault(code, set()).add((teacher, subject))
    return found


def _letters(folder: Path) -> list[set[str]]:
    """The recipients of every parent's letter (``diary.*.eml``) under ``folder``."""
    return [{a.addr_spec for a in email.message_from_bytes(p.read_bytes(), policy=default)["To"].addresses}
            for p in folder.rglob("diary.*.eml")]


def _written(ws, week: str) -> list[Path]:
    folder = ws.settings.outbox / week
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _issue_one_journal(ws, week: str) -> None:
    """The store records one journal of ``week`` issued (as ``templates week`` leaves it)."""
    with ws.engine.begin() as conn:
        conn.execute(insert(s.issued_templates).values(school_id=1, template_id=f"t-{week}", kind="journal",
                                                       author="", label=week, issued_at=dt.datetime(2026, 11, 20),
                                                       state="{}"))


def test_a_week_never_issued_is_said_once(loaded):
    """GIVEN a school whose 2026-W48 workbooks were never issued WHEN ``publish --week 2026-W48``
    and ``remind`` after its deadline THEN each says so in one line (no journal named as not
    handed in), publishes nothing and reminds nobody; --json says ``never_issued``."""
    result = _run(loaded, "publish", "--week", "2026-W48")
    assert result.exit_code == 1 and result.output == \
        "Неделя 2026-W48: книги недели не выдавались; ничего не опубликовано.\n", result.output
    assert json.loads(_run(loaded, "publish", "--week", "2026-W48", "--json").output)["week"]["never_issued"] is True
    assert _written(loaded, "2026-W48") == []
    with speaking("ru"):
        said = remind_text(remind_late(loaded.ctx(), parse_week("2026-W48"), dt.datetime(2026, 12, 1)))
    assert said == "2026-W48: книги недели не выдавались — напоминать некому"


def test_a_week_with_no_journals_publishes_nothing_and_names_them_all(loaded):
    """GIVEN a school with its setup and rosters, 2026-W48 issued and no journal of it handed in
    WHEN ``publish --week 2026-W48`` (and again with --allow-incomplete) THEN exit 1, no diary, no
    letter, no summary, and every journal the timetable needs is named (teacher, subject, class)."""
    _issue_one_journal(loaded, "2026-W48")
    result = _run(loaded, "publish", "--week", "2026-W48")
    assert result.exit_code == 1, result.output
    assert _written(loaded, "2026-W48") == []
    needed = _needed(loaded)
    for code, journals in needed.items():
        assert f"Класс {code} не опубликован" in result.output, code
        for teacher, subject in journals:
            assert re.search(rf"{re.escape(teacher)}: {re.escape(subject)}( \([^)]*\))?, {code}, ", result.output), \
                (teacher, subject, code)
    assert "ни один журнал недели ещё не сдан" in result.output.lower()

    again = _run(loaded, "publish", "--week", "2026-W48", "--allow-incomplete", "--json")
    assert again.exit_code == 1, again.output
    week = json.loads(again.output)["week"]
    assert week["nothing_in"] and week["diaries"] == 0 and week["mails"] == 0
    assert {h["class"] for h in week["held"]} == set(needed)
    assert {(m["teacher"], m["subject"]) for h in week["held"] for m in h["missing"]} == \
        {j for journals in needed.values() for j in journals}
    assert _written(loaded, "2026-W48") == []


def test_only_the_class_whose_journals_are_in_is_published(loaded, tmp_path):
    """GIVEN 2026-W48 where only the teachers of class 1А hand in their journals (they teach
    other classes too, which stay incomplete) WHEN ``publish`` THEN exit 1; diaries of exactly
    the classes all of whose journals came in, letters to exactly the parents whose every child
    is in those classes; the others held with their missing journals named. WHEN then
    ``--allow-incomplete`` THEN every class with a lesson in is published, and a held class's
    diary says «Не все отметки за неделю внесены» and names a subject missing."""
    toml = loaded.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('deputy_address = ""', 'deputy_address = "zavuch@s17.ru"'),
                    encoding="utf-8")
    needed = _needed(loaded)
    teachers = {t for t, _ in needed["1А"]}
    templates = loaded.week_templates()
    filled = fill_week(loaded.school(), list(templates.values()), tmp_path / "typed", WEEK, random.Random(3))
    for teacher in teachers:
        shutil.copy2(filled.journals[teacher], loaded.settings.inbox / filled.journals[teacher].name)
    assert loaded.ingest().ok

    result = _run(loaded, "publish", "--week", "2026-W48", "--json")
    assert result.exit_code == 1, result.output
    week = json.loads(result.output[result.output.index("{"):])["week"]
    complete = {code for code, journals in needed.items() if {t for t, _ in journals} <= teachers}
    assert "1А" in complete and len(complete) < len(needed)
    diaries = loaded.settings.outbox / "2026-W48" / "diaries"
    assert {p.name for p in diaries.iterdir() if p.is_dir()} == complete
    assert {h["class"] for h in week["held"]} == set(needed) - complete
    for held in week["held"]:
        assert {(m["teacher"], m["subject"]) for m in held["missing"]} == \
            {j for j in needed[held["class"]] if j[0] not in teachers}
    with loaded.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.email, s.class_code FROM guardianships g JOIN parents p ON p.id = g.parent_id "
            "JOIN students s ON s.id = g.student_id WHERE g.receives_diary AND p.email <> ''").all()
    classes_of: dict[str, set[str]] = {}
    for address, code in rows:
        classes_of.setdefault(address, set()).add(code)
    expected = {address for address, codes in classes_of.items() if codes <= complete}
    letters = _letters(loaded.settings.outbox / "2026-W48")
    assert expected and set().union(*letters) == expected and len(letters) == len(expected)
    assert not list((loaded.settings.outbox / "2026-W48").rglob("summary.*.eml"))   # the deputy's mail waits

    anyway = _run(loaded, "publish", "--week", "2026-W48", "--allow-incomplete", "--json")
    week = json.loads(anyway.output[anyway.output.index("{"):])["week"]
    partly = {code for code, journals in needed.items() if {t for t, _ in journals} & teachers}
    assert {i["class"] for i in week["incomplete"]} == partly - complete
    assert {h["class"] for h in week["held"]} == set(needed) - partly
    assert anyway.exit_code == (1 if week["held"] else 0)
    assert bool(list((loaded.settings.outbox / "2026-W48").rglob("summary.*.eml"))) == (not week["held"])
    some = sorted(partly - complete)[0]
    pdf = next((diaries / some).glob("*.pdf"))
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                              check=True).stdout)
    assert "Не все отметки за неделю внесены" in text
    missing = {m["subject"] for i in week["incomplete"] if i["class"] == some for m in i["missing"]}
    assert any(subject in text for subject in missing)
    complete_pdf = next((diaries / "1А").glob("*.pdf"))
    assert "Не все отметки" not in subprocess.run(["pdftotext", str(complete_pdf), "-"], capture_output=True,
                                                  text=True, check=True).stdout


def test_run_for_a_future_week_mails_nothing(week_ws):
    """GIVEN the filled 2026-W48 (review of issue 25) WHEN ``run --week 2026-W53``, a week of the
    school year nothing was handed in for THEN exit 1, no diary and no letter of that week."""
    result = _run(week_ws, "run", "--week", "2026-W53", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["week"]["nothing_in"] and report["week"]["diaries"] == 0
    assert _written(week_ws, "2026-W53") == []
    assert not list(week_ws.settings.outbox.rglob("diary.*.eml"))
