"""The guides (issue 29, point 4): ``zhurnal docs guides`` writes a PDF per role with its key
sentences and pictures of this school's own workbooks; without LibreOffice it says so and goes on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhurnal.cli import main
from zhurnal.docs import office, pictures

KEY = {
    "Памятка_учителя.pdf": ["не позднее воскресенья этой недели", "две отметки за один урок — через «/»: «5/4»",
                            "«н» — ученик отсутствовал", "Если книга вернулась с замечаниями",
                            "в течение 14 дней после окончания недели"],
    "Памятка_классного_руководителя.pdf": ["Каждую неделю проверяйте список класса", "«б» — болезнь",
                                           "Выбывшего ученика не удаляйте"],
    "Памятка_для_родителей.pdf": ["Каждую неделю на ваш адрес электронной почты приходит письмо",
                                  "две отметки за один урок стоят рядом", "Пример дневника (ученик выдуман)"],
    "Памятка_системного_администратора.pdf": ["Копия делается раз в 7 дней", "zhurnal doctor --bundle"],
}


def _text(pdf: Path) -> str:
    said = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(said.split())


def _images(pdf: Path) -> int:
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    return sum(1 for line in listed.splitlines()[2:] if line.split()[2] == "image")


def _guides(path: Path, out: Path):
    result = CliRunner().invoke(main, ["-w", str(path), "docs", "guides", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow          # one LibreOffice run over four workbooks: ~30 s on two busy cores
@pytest.mark.soffice
@pytest.mark.skipif(office.soffice() is None, reason="needs LibreOffice")
def test_guides_say_their_key_sentences_with_the_schools_workbooks(week_ws, tmp_path):
    """GIVEN the week's workspace, whose journals, registers, rosters and setup are issued WHEN the
    guides are written THEN each holds its role's key sentences (with the workspace's numbers) and
    its pictures: the teacher's a journal sheet and the sample diary, the class teacher's a roster,
    a register and the diary, the parent's the diary, the sysadmin's the setup workbook."""
    found = {shot.key for shot in pictures.shots(week_ws.path)}
    assert {"journal", "attendance", "roster", "setup"} <= found
    _guides(week_ws.path, tmp_path)
    for name, sentences in KEY.items():
        said = _text(tmp_path / name)
        assert [s for s in sentences if s not in said] == [], name
        assert "иллюстраций нет" not in said
    assert _images(tmp_path / "Памятка_учителя.pdf") >= 2
    assert _images(tmp_path / "Памятка_классного_руководителя.pdf") >= 3
    assert _images(tmp_path / "Памятка_для_родителей.pdf") == 1
    assert _images(tmp_path / "Памятка_системного_администратора.pdf") >= 1
    # the journal's picture is a sheet of this school's journal: its title is the workbook's own
    journal = next(s for s in pictures.shots(week_ws.path) if s.key == "journal")
    assert journal.source.is_relative_to(week_ws.path / "templates_xlsx")


def test_without_libreoffice_the_guides_say_so_and_are_written(loaded, tmp_path, monkeypatch):
    """GIVEN no LibreOffice WHEN the guides are written THEN the command succeeds, each guide says in
    a line that there are no pictures of the workbooks, and only the diary (drawn by Typst) is in."""
    monkeypatch.setattr(office, "soffice", lambda: None)
    output = _guides(loaded.path, tmp_path)
    assert "LibreOffice" in output
    for name in KEY:
        said = _text(tmp_path / name)
        assert "нужны LibreOffice и poppler" in said and "иллюстраций нет" in said
    assert _images(tmp_path / "Памятка_учителя.pdf") == 1
