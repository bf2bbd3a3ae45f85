"""Pictures of this school's own workbooks for the guides, rendered at generation time so they
stay true when the templates change: each workbook → PDF (LibreOffice) → PNG of a page
(``pdftoppm``, poppler). Without LibreOffice or poppler there are no pictures and one Russian line
says so; a guide is never refused for want of them."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zhurnal.docs import office

DPI = 100


@dataclass(frozen=True)
class Shot:
    """Which workbook, which page of its PDF (the first whose text starts with ``starts``, else the
    first), and how much of the page from its top (a fraction)."""

    key: str               # journal | attendance | roster | setup | feedback
    source: Path
    starts: str = ""       # a table workbook's first page is its «Инструкция»: the sheet's header
    height: float = 1.0


def _newest(paths: list[Path]) -> Path | None:
    return max(paths, key=lambda p: (p.stat().st_mtime, p.name), default=None)


def shots(workspace: Path) -> list[Shot]:
    """The workbooks a guide shows, as the workspace holds them now: the latest week's first
    journal and attendance register, a class roster, the setup workbook and the newest feedback
    workbook (a journal's, else any). A kind not issued yet is left out."""
    templates, feedback = workspace / "templates_xlsx", workspace / "outbox" / "feedback"
    weeks = sorted(p for p in templates.glob("*-W*") if p.is_dir()) if templates.is_dir() else []
    week = weeks[-1] if weeks else None
    found = {
        "journal": sorted(week.glob("журнал_*.xlsx"))[:1] if week else [],
        "attendance": sorted(week.glob("посещаемость_*.xlsx"))[:1] if week else [],
        "roster": sorted(templates.glob("список_класса_*.xlsx"))[:1],
        "setup": sorted(templates.glob("настройка_школы.xlsx")),
    }
    answers = list(feedback.glob("*/*_ошибки.xlsx")) if feedback.is_dir() else []
    answer = _newest([p for p in answers if p.name.startswith("журнал_")] or answers)
    starts = {"roster": "ФИО ученика", "setup": "Код"}       # the pupils' sheet; the periods' sheet
    out = [Shot(key, paths[0], starts.get(key, ""), height=0.35 if key == "setup" else 0.8)
           for key, paths in found.items() if paths]
    if answer is not None:
        out.append(Shot("feedback", answer, height=0.35))
    return out


def render(workspace: Path, folder: Path) -> tuple[dict[str, Path], list[str]]:
    """PNG files in ``folder``, key → path, and the notes of what could not be drawn."""
    wanted = shots(workspace)
    if not wanted:
        return {}, ["Рабочие книги ещё не выданы: иллюстраций нет"]
    if office.soffice() is None or shutil.which("pdftoppm") is None:
        return {}, ["Для иллюстраций нужны LibreOffice и poppler (pdftoppm): они не установлены, иллюстраций нет"]
    try:
        pdfs = office.to_pdfs([shot.source for shot in wanted])
    except office.ConversionFailed as exc:
        return {}, [f"LibreOffice не смог показать рабочие книги ({exc}): иллюстраций нет"]
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="zhurnal-pictures-") as scratch:
        for shot in wanted:
            if shot.source not in pdfs:
                continue
            pdf = Path(scratch) / f"{shot.key}.pdf"
            pdf.write_bytes(pdfs[shot.source])
            page = _page(pdf, shot.starts)
            width, height = _page_size(pdf, page)
            target = folder / f"{shot.key}.png"
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(DPI), "-f", str(page), "-l", str(page), "-x", "0", "-y", "0", "-W", str(width), "-H", str(int(height * shot.height)),
                            str(pdf), str(target.with_suffix(""))], check=True, capture_output=True, timeout=60)
            made[shot.key] = target
    return made, [f"Не удалось показать: {shot.source.name}" for shot in wanted if shot.key not in made]


def _page_size(pdf: Path, page: int) -> tuple[int, int]:
    """The page's size in pixels at :data:`DPI` (``pdfinfo`` gives it in points)."""
    said = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    for line in said.splitlines():
        if line.startswith(f"Page{page:>5} size:") or line.startswith("Page size:"):
            w, h = line.split("size:")[1].split("pts")[0].split("x")
            return round(float(w) * DPI / 72), round(float(h) * DPI / 72)
    return round(842 * DPI / 72), round(595 * DPI / 72)


def _page(pdf: Path, starts: str) -> int:
    """The first page of ``pdf`` whose text starts with ``starts`` (1 when none does, or no text is asked)."""
    if not starts:
        return 1
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                           timeout=60).stdout.split("\f")
    return next((n for n, text in enumerate(pages, 1) if text.strip().startswith(starts)), 1)
