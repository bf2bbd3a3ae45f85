"""Workbooks typed in, then opened and saved by LibreOffice as xlsx, ods and xls, and ingested:
the store holds exactly what was typed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import s, status_of

from zhurnal.demo.fill import fill_workbook
from zhurnal.kinds.setup.spec import SPEC as SETUP

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods:calc8", "xls": "xls:MS Excel 97"}

pytestmark = pytest.mark.soffice


def resave(files: list[Path], fmt: str, out_dir: Path, profile: Path) -> list[Path]:
    """Open each file in LibreOffice and save it as ``fmt`` into ``out_dir``."""
    assert SOFFICE, "LibreOffice is required: .ci/run installs libreoffice-calc"
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", FILTERS[fmt], "--outdir", str(out_dir), *map(str, files)],
                   check=True, capture_output=True, timeout=240)
    converted = [out_dir / f"{f.stem}.{fmt}" for f in files]
    assert all(p.exists() for p in converted), list(out_dir.iterdir())
    return converted


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_setup_and_roster_saved_by_libreoffice(ws, school, tmp_path, fmt):
    typed = tmp_path / "typed"
    setup = fill_workbook(ws.setup_template(), typed / "setup.xlsx", SETUP, school.setup)
    [converted] = resave([setup], fmt, tmp_path / "saved", tmp_path / "profile")
    shutil.move(converted, ws.settings.inbox / converted.name)
    report = ws.ingest()
    assert status_of(report) == {f"setup.{fmt}": "accepted"}, report.files[0].findings[:5]
    assert {(t["full_name"], t["email"]) for t in ws.rows(s.teachers)} == {
        (t["full_name"], t["email"]) for t in school.setup["Учителя"]}
    weekday = {"Пн": 1, "Вт": 2, "Ср": 3, "Чт": 4, "Пт": 5, "Сб": 6}
    assert sorted((r["period"], r["weekday"], r["lesson_no"], r["class_code"], r["subject"], r["subgroup"], r["room"])
                  for r in ws.rows(s.timetable)) == sorted(
        (t["period"], weekday[t["weekday"]], t["lesson_no"], t["class_code"], t["subject"], t["subgroup"], t["room"])
        for t in school.setup["Расписание"])
    assert sorted((r["class_code"], r["subject"], r["subgroup"], r["teacher"], r["hours"])
                  for r in ws.rows(s.teaching_load)) == sorted(
        (t["class_code"], t["subject"], t["subgroup"], t["teacher"], t["hours"]) for t in school.setup["Нагрузка"])
    assert {r["code"]: r["end"] for r in ws.rows(s.periods)} == {
        p["code"]: p["end"] for p in school.setup["Периоды"]}
    assert [(b["start"], b["end"]) for b in ws.rows(s.bells, "lesson_no")] == [
        (b["start"], b["end"]) for b in school.setup["Звонки"]]

    rosters = [fill_workbook(ws.roster_template(code), typed / f"roster_{code}.xlsx",
                             ws.roster_spec(code), school.rosters[code]) for code in ("1А", "7А")]
    for path in resave(rosters, fmt, tmp_path / "saved", tmp_path / "profile"):
        shutil.move(path, ws.settings.inbox / path.name)
    report = ws.ingest()
    assert set(status_of(report).values()) == {"accepted"}, [f.findings[:3] for f in report.files]
    for code in ("1А", "7А"):
        stored = {r["full_name"]: (r["birth_date"], r["sex"]) for r in ws.rows(s.students)
                  if r["class_code"] == code}
        assert stored == {st["full_name"]: (st["birth_date"], st["sex"])
                          for st in school.rosters[code]["Ученики"]}
    parents = {(p["full_name"], p["email"], p["phone"]) for p in ws.rows(s.parents)}
    typed_parents = {(p["full_name"], p["email"], "+7" + "".join(c for c in p["phone"] if c.isdigit())[1:])
                     for code in ("1А", "7А") for p in school.rosters[code]["Родители"]}
    assert parents == typed_parents
    split = {m["subject"] for m in ws.rows(s.subgroup_members)}
    assert split == {"Английский язык", "Информатика"}
