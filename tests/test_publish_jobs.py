"""Publish by job: the print bundles' cover, class averages computed once, no store
transaction waiting for Typst, the mail ledger re-read when a send overtook the plan, and
report cards that wait for their period marks."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
from click.testing import CliRunner
from conftest import WEEK, mailed_children
from sqlalchemy import event, insert

from zhurnal.cli import main
from zhurnal.publish import ledger
from zhurnal.publish.diary import DiaryRenderer
from zhurnal.publish.render import Rendering
from zhurnal.publish.run import publish_period, publish_week
from zhurnal.report.publish import publish_text
from zhurnal.store import schema as s
from zhurnal.text.i18n import speaking


def page_text(path: Path, page: int, *, layout: bool = False) -> str:
    done = subprocess.run(["pdftotext", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page),
                           str(path), "-"], capture_output=True, check=True, text=True)
    assert done.stderr == "", (path, done.stderr)
    return done.stdout


def pages_of(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", done.stdout, re.M).group(1))


def _check_cover(bundle: Path, folder: Path, class_code: str, inside: dict[int, str], outside: set[str],
                 heading: str, first_page: str) -> None:
    """Page 1 of ``bundle`` names the class and ``heading``, lists each pupil of ``inside`` (id →
    name) with the page their document starts on and its number of pages — counted here from
    the separate documents' page counts (pdfinfo) in the order of the names, after the one
    cover page — and names every pupil of ``outside`` (mailed); that page of the bundle is
    indeed the first of that pupil's document (it holds ``first_page`` formatted with the pupil's
    ``name`` and ``class_code``)."""
    cover = page_text(bundle, 1, layout=True)
    assert f"Пакет для печати: {class_code} класс" in cover and heading in cover
    assert "Дневник:" not in cover and "стр. 1 из" not in cover          # a page of its own
    rows = {m.group(1).strip(): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^\s*\d+\s+(\S.*?\S)\s+(\d+)\s+(\d+)\s*$", cover, re.M)}
    start = 2
    for sid, name in sorted(inside.items(), key=lambda item: item[1]):
        [pdf] = folder.rglob(f"*_{sid}.pdf")
        pages = pages_of(pdf)
        assert rows.get(name) == (start, pages), (class_code, name, rows.get(name), start, pages)
        first = re.sub(r"\s+", " ", page_text(bundle, start))
        assert first_page.format(name=name, class_code=class_code) in first, (name, start)
        start += pages
    assert set(rows) == set(inside.values())
    assert pages_of(bundle) == start - 1 and f"Всего страниц в пакете: {start - 1}" in cover
    squeezed = re.sub(r"\s+", " ", cover)
    assert all(name in squeezed for name in outside), (class_code, [n for n in outside if n not in squeezed])
    # each heading says what the pupils listed after it are
    documents = heading.split()[0].lower()                  # «дневники», «табели»
    assert f"В пакете {documents} этих учеников ({len(inside)}):" in squeezed
    if outside:
        first = min(outside)
        assert f"{documents.capitalize()} этих учеников получат родители по почте ({len(outside)}): {first}" \
            in squeezed, squeezed
    else:
        assert "по почте" not in squeezed
    assert re.search(r"Без (дневника на этой неделе|табеля за период): нет", squeezed)


def test_a_print_bundle_opens_on_a_cover_listing_its_pupils_with_their_pages(week_ws):
    """GIVEN the week's families, some without email WHEN the week is published THEN each
    class's bundle opens on a cover listing the pupils inside with the page their diary starts
    on (and its pages), the classmates whose diaries were mailed, and nobody without a diary."""
    report = publish_week(week_ws.ctx(), WEEK)
    school = week_ws.school()
    mailed = {n for names in mailed_children(week_ws).values() for n in names}
    assert report.print_bundles
    for bundle in map(Path, report.print_bundles):
        class_code = bundle.stem.split("_", 1)[1]
        pupils = {st["id"]: st["full_name"] for st in school.class_students(class_code, WEEK.monday, WEEK.sunday)}
        inside = {sid: name for sid, name in pupils.items() if name not in mailed}
        assert inside
        _check_cover(bundle, Path(report.outbox) / "diaries", class_code, inside, set(pupils.values()) - set(inside.values()),
                     "Дневники за неделю 23.11–29.11.2026", "{name} · {class_code} класс · неделя 23.11–29.11.2026 стр. 1 из")


def _store_period_marks(ws, marks: dict[int, str], period: str = "Q2") -> None:
    """``marks`` (pupil id → mark) stored as the pupils' period marks of their class's first
    5-point subject, with plain SQL (as an accepted period sheet leaves them)."""
    school = ws.school()
    with ws.engine.begin() as conn:
        for sid, mark in marks.items():
            code = school.students[sid]["class_code"]
            subject = min(sec.subject for sec in school.load
                          if sec.class_code == code and school.subjects[sec.subject]["scale"] == "5")
            conn.execute(insert(s.period_marks).values(school_id=1, student_id=sid, subject=subject, period=period,
                                                       mark=mark))


def _q2_classes(school) -> dict[str, list[int]]:
    """Class → its pupils on Q2's last day, for the classes Q2's report cards are made for."""
    period = school.calendar.period_row("Q2")
    return {code: [st["id"] for st in school.class_students(code, period["end"])]
            for code, cls in school.classes.items()
            if cls["has_marks"] and period["grade_from"] <= cls["grade"] <= period["grade_to"]}


def _report_letters(outbox: Path) -> dict[str, set[str]]:
    """Parent address → the report cards attached to their letter (file names), read with the
    email parser from the period's outbox."""
    found = {}
    for path in (outbox / "mail").glob("report.*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[message["To"].addresses[0].addr_spec] = {part.get_filename() for part in message.iter_attachments()}
    return found


def test_report_cards_wait_for_their_period_marks(week_ws):
    """GIVEN Q2 under way with no period mark stored WHEN Q2 is published THEN no report card
    is made or mailed, each class is named once with its pupils held (exit 0, the same in
    --json), and the director's report is written; GIVEN then marks for all of one class and for
    all but one pupil of another WHEN published again THEN exactly those pupils' cards are made,
    no letter goes to a family of an unmarked pupil, and only the classes still waiting are named."""
    school = week_ws.school()
    classes = _q2_classes(school)
    done = CliRunner().invoke(main, ["--workspace", str(week_ws.path), "publish", "--period", "Q2"])
    assert done.exit_code == 0, done.output
    for code, pupils in classes.items():
        n = len(pupils)
        line = f"Класс {code}: табели задержаны ({n} из {n}) — итоговые отметки за Q2 у класса ещё не выставлены."
        assert done.output.count(f"Класс {code}:") == 1 and line in done.output, (code, done.output)
    outbox = week_ws.settings.outbox / "Q2"
    assert not list(outbox.rglob("*.pdf")) and not list((outbox / "mail").glob("report.*.eml"))
    assert (outbox / "summaries" / "Отчёт_Q2.xlsx").is_file()
    as_json = CliRunner().invoke(main, ["--workspace", str(week_ws.path), "publish", "--period", "Q2", "--json"])
    waiting = json.loads(as_json.stdout)["period"]["waiting_for_marks"]
    assert {w["class"]: (w["held"], w["of"]) for w in waiting} == {c: (len(p), len(p)) for c, p in classes.items()}

    whole, partial = sorted(classes)[:2]
    unmarked = classes[partial][0]
    _store_period_marks(week_ws, {sid: "4" for sid in classes[whole] + classes[partial][1:]})
    report = publish_period(week_ws.ctx(), "Q2")
    made = {int(p.stem.rsplit("_", 1)[1]) for p in outbox.joinpath("report_cards").rglob("*.pdf")}
    assert made == set(classes[whole]) | set(classes[partial][1:])
    assert {w["class"]: (w["held"], w["of"]) for w in report.waiting_for_marks} == {
        partial: (1, len(classes[partial])), **{c: (len(p), len(p)) for c, p in classes.items() if c not in (whole, partial)}}
    with speaking("ru"):
        said = publish_text({"period": report.as_dict()})
    assert f"Класс {partial}: табели задержаны (1 из {len(classes[partial])}) — у этих учеников ещё нет " \
           "итоговых отметок за Q2." in said and f"Класс {whole}:" not in said
    letters = _report_letters(outbox)
    parents = {addr for addr, children in mailed_children(week_ws).items()
               if school.students[unmarked]["full_name"] in children}
    assert letters and not parents & set(letters)
    names = {school.students[sid]["full_name"].replace(" ", "_") for sid in made}
    assert all(any(name in f for name in names) for files in letters.values() for f in files)


def test_a_period_bundle_lists_every_pupil_of_the_class(week_ws):
    """Report cards go on paper for every pupil: the cover lists the whole class with pages."""
    school = week_ws.school()
    _store_period_marks(week_ws, {sid: "5" for pupils in _q2_classes(school).values() for sid in pupils})
    report = publish_period(week_ws.ctx(), "Q2")
    period = school.calendar.period_row("Q2")
    assert report.print_bundles
    for bundle in map(Path, report.print_bundles):
        class_code = bundle.stem.split("_", 1)[1]
        pupils = {st["id"]: st["full_name"] for st in school.class_students(class_code, period["end"])}
        _check_cover(bundle, Path(report.outbox) / "report_cards", class_code, pupils, set(), "Табели за 2 четверть",
                     "Табель успеваемости {name}, {class_code} класс")


def _blank_pdf() -> bytes:
    doc = pikepdf.new()
    doc.add_blank_page()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_class_averages_are_computed_once_per_publish(week_ws, monkeypatch):
    """The diaries and the deputy's summary read the same class × period-to-date averages: one
    query per class and range, not one each."""
    import zhurnal.publish.summary_data as summary_data
    import zhurnal.publish.week_data as week_data
    from zhurnal.school.averages import class_averages
    asked = Counter()

    def counted(conn, school_id, class_code, start, end, **kwargs):
        asked[(class_code, start, end)] += 1
        return class_averages(conn, school_id, class_code, start, end, **kwargs)

    monkeypatch.setattr(week_data, "class_averages", counted)
    monkeypatch.setattr(summary_data, "class_averages", counted)
    blank = _blank_pdf()
    monkeypatch.setattr(DiaryRenderer, "render_one", lambda self, diary: blank)
    publish_week(week_ws.ctx(), WEEK)
    school = week_ws.school()
    marked = {code for code, cls in school.classes.items() if cls["has_marks"] and school.week_period(code, WEEK)}
    to_date = {(code, school.week_period(code, WEEK)["start"], WEEK.sunday) for code in marked}
    assert to_date <= set(asked) and marked
    assert [key for key, times in asked.items() if times > 1] == []


def test_no_store_transaction_is_open_while_publish_waits_for_a_pdf(week_ws, monkeypatch):
    """Every wait for a rendered PDF happens with no transaction of the store open (the ledger
    rows are written after, in short transactions of their own)."""
    engine = week_ws.engine
    open_now: set[int] = set()
    event.listen(engine, "begin", lambda conn: open_now.add(id(conn)))
    event.listen(engine, "commit", lambda conn: open_now.discard(id(conn)))
    event.listen(engine, "rollback", lambda conn: open_now.discard(id(conn)))
    blank = _blank_pdf()
    monkeypatch.setattr(DiaryRenderer, "render_one", lambda self, diary: blank)
    waits: list[bool] = []
    wait = Rendering._wait

    def watched(self, sid):
        waits.append(bool(open_now))
        return wait(self, sid)

    monkeypatch.setattr(Rendering, "_wait", watched)
    report = publish_week(week_ws.ctx(), WEEK)
    assert report.mails and len(waits) >= report.diaries
    assert not any(waits)


def test_a_send_that_overtakes_the_mail_plan_is_taken_into_account(week_ws):
    """GIVEN the week published (mail waiting) WHEN it is published again and, while its mail is
    being planned, a send delivers everything waiting THEN the plan is made again against the
    ledger as it is now: nothing is mailed again, every family counts as unchanged."""
    first = publish_week(week_ws.ctx(), WEEK)
    outbox = Path(first.outbox)
    with week_ws.engine.connect() as conn:       # a mailed child's diary renders again: a wait mid-plan
        child = conn.exec_driver_sql(
            "SELECT MIN(g.student_id) FROM guardianships g JOIN mail_ledger m ON m.parent_id = g.parent_id "
            "WHERE m.kind = 'diary' AND m.status = 'queued'").scalar()
    [pdf] = (outbox / "diaries").rglob(f"*_{child}.pdf")
    pdf.unlink()
    delivered = []

    def send_meanwhile(done: int, total: int) -> None:
        if delivered:
            return
        with week_ws.engine.begin() as conn:
            for msg_id in conn.exec_driver_sql(
                    "SELECT message_id FROM mail_ledger WHERE kind = 'diary' AND status = 'queued'").scalars():
                ledger.mark(conn, msg_id, "sent", "250")
                delivered.append(msg_id)

    again = publish_week(week_ws.ctx(), WEEK, progress=send_meanwhile)
    assert len(delivered) == first.mails > 0
    assert (again.mails, again.unchanged, again.superseded) == (0, first.mails, 0)
    with week_ws.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM mail_ledger WHERE kind = 'diary' AND status <> 'sent'"
                                    ).scalar() == 0
