"""The regulation drafted from the settings (issue 29, point 1): ``zhurnal docs regulation`` writes
an editable ``.docx`` and a PDF whose numbers are the workspace's, and a changed setting changes
the document."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document as Docx
from sqlalchemy import text
from test_russian_text import latin_words

from zhurnal.cli import main
from zhurnal.docs import office


def _set(path: Path, *pairs: tuple[str, str]) -> None:
    """Replace each whole line ``old`` of the workspace's toml by ``new``."""
    toml = path / "zhurnal.toml"
    body = toml.read_text(encoding="utf-8")
    for old, new in pairs:
        assert re.search(rf"^{re.escape(old)}$", body, re.M), old
        body = re.sub(rf"^{re.escape(old)}$", new, body, flags=re.M)
    toml.write_text(body, encoding="utf-8")


def _make(path: Path, out: Path) -> tuple[str, str]:
    """The regulation's text as python-docx reads the .docx (paragraphs and table cells) and as
    pdftotext reads the PDF (lines joined, page footers left out: a clause may run over a page)."""
    result = CliRunner().invoke(main, ["-w", str(path), "docs", "regulation", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = Docx(str(out / "Положение_об_электронном_журнале.docx"))
    words = [p.text for p in doc.paragraphs]
    words += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "Положение_об_электронном_журнале.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    body = [line for line in pdf.splitlines() if not re.search(r"стр\. \d+ из \d+", line)]   # page footers
    return "\n".join(words), " ".join(" ".join(body).split())


def test_numbers_come_from_the_workspace_and_follow_a_change(loaded, tmp_path):
    """GIVEN the small school's setup and its default settings WHEN the regulation is written THEN
    the .docx and the PDF state the editing window (14 days), the thresholds (4,5/3,5/2,5), every
    work type with its weight and every class teacher, as the store holds them (read with SQL);
    AND WHEN the window, the thresholds, the backup rhythm and the director change in zhurnal.toml
    THEN the regenerated document says the new values and no longer the old ones."""
    with loaded.engine.connect() as conn:
        weights = conn.execute(text("SELECT name, weight FROM work_types")).all()
        teachers = conn.execute(text("SELECT code, class_teacher FROM classes WHERE class_teacher <> ''")).all()
    assert weights and teachers
    docx, pdf = _make(loaded.path, tmp_path / "one")
    for said in (docx, pdf):
        assert "в течение 14 дней после окончания недели" in said and "прошедшего более 14 дней назад" in said
        assert "не ниже 4,5 — «5», не ниже 3,5 — «4», не ниже 2,5 — «3»" in said
        assert "не реже одного раза в 7 дней и записывается не менее чем в 2 места" in said
        assert "Журнал хранится 5 лет, сводные ведомости итоговых отметок — 25 лет" in said
        for code, name in teachers:
            assert f"{code} — {name}" in said
        assert "Директор (____________________)" in said
    for name, weight in weights:
        shown = f"{weight:g}".replace(".", ",")
        assert f"{name}\n{shown}" in docx            # the table's row: the name's cell, then the weight's
    assert "№ 582" in docx and "№ АП-147/07" in docx and "152-ФЗ" in docx and "ст. 58" in docx
    assert latin_words(docx) == [] and latin_words(pdf) == []        # people read it: Russian only

    _set(loaded.path, ("edit_window_days = 14", "edit_window_days = 21"),
         ("thresholds = [4.5, 3.5, 2.5]", "thresholds = [4.65, 3.65, 2.65]"),
         ("every_days = 7", "every_days = 3"), ("min_destinations = 2", "min_destinations = 3"),
         ('director = ""', 'director = "Иванова Анна Петровна"'), ("journal_keep_years = 5", "journal_keep_years = 6"))
    docx, pdf = _make(loaded.path, tmp_path / "two")
    for said in (docx, pdf):
        assert "в течение 21 дня после окончания недели" in said and "прошедшего более 21 дня назад" in said
        assert "прошедшего более 14" not in said       # the backups' 14 days (max_age_days) stay
        assert "не ниже 4,65 — «5», не ниже 3,65 — «4», не ниже 2,65 — «3»" in said and "4,5 " not in said
        assert "не реже одного раза в 3 дня и записывается не менее чем в 3 места" in said
        assert "Директор (Иванова Анна Петровна)" in said
        assert "Журнал хранится 6 лет" in said


WRITER = next(Path("/usr/lib/libreoffice/program").glob("libswlo.so"), None) if Path("/usr/lib/libreoffice").is_dir() else None


@pytest.mark.soffice
@pytest.mark.skipif(office.soffice() is None or WRITER is None, reason="needs LibreOffice Writer")
def test_the_docx_opens_in_libreoffice(loaded, tmp_path):
    """GIVEN the regulation's .docx WHEN LibreOffice Writer converts it to PDF THEN the PDF holds the
    title, a clause and a table row: the file python-docx wrote is a document Writer reads whole."""
    _make(loaded.path, tmp_path)
    pdf = office.to_pdf(tmp_path / "Положение_об_электронном_журнале.docx")
    (tmp_path / "lo.pdf").write_bytes(pdf)
    said = " ".join(subprocess.run(["pdftotext", str(tmp_path / "lo.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Положение о ведении электронного классного журнала" in said
    assert "Резервное копирование" in said and "Контрольная работа" in said


def test_doctor_says_when_the_regulation_is_out_of_date(loaded):
    """GIVEN the regulation drafted into outbox/docs/ WHEN ``zhurnal doctor`` looks THEN it is up to
    date; AND WHEN the editing window changes in zhurnal.toml THEN doctor warns that it is out of
    date; AND WHEN it is drafted again THEN the warning is gone."""
    runner = CliRunner()
    state = lambda: {c["area"]: c for c in json.loads(runner.invoke(main, ["-w", str(loaded.path), "doctor", "--json"])
                                                       .output)["checks"]}["documents"]
    assert state()["figures"] == {}                         # never drafted
    assert runner.invoke(main, ["-w", str(loaded.path), "docs", "regulation"]).exit_code == 0
    assert state()["figures"] == {"outdated": False}
    _set(loaded.path, ("edit_window_days = 14", "edit_window_days = 10"))
    found = state()
    assert found["figures"] == {"outdated": True} and found["level"] == "warning" and "устарело" in found["said"]
    assert runner.invoke(main, ["-w", str(loaded.path), "docs", "regulation"]).exit_code == 0
    assert state()["figures"] == {"outdated": False}
