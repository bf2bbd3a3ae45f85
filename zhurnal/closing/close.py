"""``zhurnal year close`` / ``year reopen``: lock the school year and write its archive.

The close, under the workspace's run lock (no ingest in between):

1. the year is found (:func:`zhurnal.year.lock.find_year`); a closed year is left as it is;
2. what next year needs is kept: the grade-10 pupils' term and year marks, for their
   grade-11 finals (:func:`zhurnal.year.carry.carry_forward`), in the snapshot too; a grade-9
   pupil without the year mark of a subject finished in grades 5–8 is a warning finding
   (``prior-year-mark-missing``): their attestat lacks that subject;
3. every family is mailed its children's year report cards, and every class's print bundle
   of them is made (:func:`zhurnal.publish.run.publish_year_cards`, ``outbox/2026-2027/``):
   through the mail ledger, whose rows the snapshot then covers; a second close of an unchanged
   year mails nothing new (the Message-ID follows the cards' content);
4. the store snapshot's digest is taken (:mod:`zhurnal.year.snapshot`);
5. every writer of ``ARCHIVE_WRITERS`` writes its files into ``outbox/year/<year>/``
   (``2026/2027`` → ``2026-2027``), reading the same snapshot;
6. ``manifest.json`` lists each file with its sha256 and size, the snapshot digest, the year
   and the moment of the close;
7. the year is locked and the close kept as an event with the snapshot digest.

A reopen (``--reason`` required) unlocks the year and keeps the event; closing again rewrites
the archive from the store as it is then (the events keep every digest).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from zhurnal.closing.archive import write_class_archives
from zhurnal.closing.extracurricular import write_extracurricular_archive
from zhurnal.closing.pupils import write_pupil_lists
from zhurnal.core.atomic import write_bytes
from zhurnal.core.errors import YearHasOpenPeriods
from zhurnal.core.findings import Finding, finding
from zhurnal.ingest.lock import run_lock
from zhurnal.publish.run import PublishReport, publish_year_cards
from zhurnal.publish.year_report import YEAR_REPORT, write_year_report, year_folder
from zhurnal.school.calendar import period_kind
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text.labels import Severity
from zhurnal.year.attestat import missing_early
from zhurnal.year.attestat_rules import attestat_rules
from zhurnal.year.carry import carry_forward
from zhurnal.year.ledger import class_attestat
from zhurnal.year.lock import find_year, is_closed, set_year_closed
from zhurnal.year.snapshot import snapshot_digest

MANIFEST = "manifest.json"

# An archive writer: (connection, run context, folder, snapshot digest) → the files it wrote.
ArchiveWriter = Callable[[Connection, RunContext, Path, str], list[Path]]


def _year_report(conn: Connection, ctx: RunContext, folder: Path, digest: str) -> list[Path]:
    """The director's year report workbook (movement, class sizes, results by pupil, attendance)."""
    return [write_year_report(conn, ctx.school_id, folder / YEAR_REPORT, ctx.settings)]


ARCHIVE_WRITERS: list[ArchiveWriter] = [
    write_class_archives,             # per class: journal, summary ledger, corrections (PDF/A)
    write_pupil_lists,                # per class: the pupils' list, contacts only if the school wants (PDF/A)
    _year_report,                     # the director's year report (xlsx)
    write_extracurricular_archive,    # the extracurricular journal with the hours held against the plan (PDF/A)
]


@dataclass
class CloseReport:
    year: str
    folder: Path
    snapshot: str = ""
    files: list[Path] = field(default_factory=list)
    already_closed: bool = False
    # grade-11 class → its pupils without grade-10 marks (their finals are of grade 11 alone)
    without_grade_10: dict[str, int] = field(default_factory=dict)
    # warnings: grade-9 pupils without the year mark of a subject finished in grades 5–8
    findings: list[Finding] = field(default_factory=list)
    year_cards: PublishReport | None = None     # the families' year report cards: letters, print bundles


def archive_folder(ctx: RunContext, year_label: str) -> Path:
    """``outbox/year/2026-2027``: the year's archive folder."""
    return year_folder(ctx.settings.outbox, year_label)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path, year_label: str, snapshot: str, files: list[Path], ctx: RunContext) -> Path:
    """``manifest.json``: {year, school, closed_at, snapshot_sha256, files: [{file (relative
    to the folder, '/'-separated), sha256, bytes}]}."""
    manifest = {
        "year": year_label,
        "school": ctx.settings.school.code,
        "closed_at": ctx.now.isoformat(timespec="seconds"),
        "snapshot_sha256": snapshot,
        "files": [{"file": path.relative_to(folder).as_posix(), "sha256": _sha256(path), "bytes": path.stat().st_size}
                  for path in sorted(files)],
    }
    target = folder / MANIFEST
    write_bytes(target, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return target


def open_terms(conn: Connection, school_id: int) -> list[str]:
    """The codes of the year's terms (quarters, semesters) not closed yet, in date order."""
    closed = {row["period"] for row in q.table_rows(conn, s.period_locks, school_id) if row["closed"]}
    return [p["code"] for p in q.table_rows(conn, s.periods, school_id, "start", "code")
            if period_kind(p["code"]) != "year" and p["code"] not in closed]


def pupils_without_grade_10(conn: Connection, school_id: int) -> dict[str, int]:
    """Grade-11 class → how many of its enrolled pupils have no grade-10 mark in ``prior_marks``
    (a school's first year without the import, or a pupil who came from another school)."""
    classes = {c["code"] for c in q.table_rows(conn, s.classes, school_id) if c["grade"] == 11}
    known = {r["student_id"] for r in q.table_rows(conn, s.prior_marks, school_id) if r["grade"] == 10}
    missing: dict[str, int] = {}
    for st in q.table_rows(conn, s.students, school_id):
        if st["class_code"] in classes and st["active"] and st["id"] not in known:
            missing[st["class_code"]] = missing.get(st["class_code"], 0) + 1
    return dict(sorted(missing.items()))


def early_marks_missing(conn: Connection, ctx: RunContext) -> list[Finding]:
    """A warning per enrolled grade-9 pupil × subject finished in grades 5–8 (by the attestat
    rules) whose year mark of its last grade is missing: the attestat would lack it. Sheet: the
    class; value: the pupil's full name."""
    assert ctx.school_id is not None
    rules = attestat_rules(9, ctx.settings.attestat)
    active = {st["id"] for st in q.table_rows(conn, s.students, ctx.school_id) if st["active"]}
    found = []
    for cls in q.table_rows(conn, s.classes, ctx.school_id, "code"):
        if cls["grade"] != 9:
            continue
        for pupil in class_attestat(conn, ctx.school_id, cls["code"], year_rule=ctx.settings.marks.year_rule,
                                    attestat_settings=ctx.settings.attestat):
            if pupil.student_id not in active:
                continue
            for subject, grade in missing_early(rules, pupil.rows):
                found.append(finding("prior-year-mark-missing", sheet=cls["code"], value=pupil.student_name,
                                     severity=Severity.WARNING, subject=subject, grade=grade))
    return found


def close_year(ctx: RunContext, year_text: str, *, force: bool = False) -> CloseReport:
    """Close the school year ``year_text`` («2026/2027» or «2026») and write its archive;
    :class:`~zhurnal.core.errors.UnknownYear` when it is not the setup's year,
    :class:`~zhurnal.core.errors.YearHasOpenPeriods` while a term is still open (a year closed in
    its middle would lock every journal), unless ``force``. A year already closed is left as
    it is (``already_closed``)."""
    with run_lock(ctx):
        with ctx.engine.connect() as conn:
            label = find_year(conn, ctx.school_id, year_text)
            folder = archive_folder(ctx, label)
            if is_closed(conn, ctx.school_id, label):
                return CloseReport(label, folder, already_closed=True)
            still_open = open_terms(conn, ctx.school_id)
            if still_open and not force:
                raise YearHasOpenPeriods(label, still_open)
        with ctx.engine.begin() as conn:    # before the snapshot, so the archive's digest covers them
            carry_forward(conn, ctx.school_id, year_rule=ctx.settings.marks.year_rule)
        report = CloseReport(label, folder)
        with ctx.engine.connect() as conn:
            report.without_grade_10 = pupils_without_grade_10(conn, ctx.school_id)
            report.findings = early_marks_missing(conn, ctx)
        report.year_cards = publish_year_cards(ctx, label)    # before the snapshot: it covers the mail ledger
        with ctx.engine.connect() as conn:
            report.snapshot = snapshot_digest(conn, ctx.school_id)
            for writer in ARCHIVE_WRITERS:
                report.files += writer(conn, ctx, folder, report.snapshot)
        report.files.append(write_manifest(folder, label, report.snapshot, report.files, ctx))
        with ctx.engine.begin() as conn:
            set_year_closed(conn, ctx.school_id, label, closed=True, reason=None, now=ctx.now,
                            snapshot=report.snapshot)
        return report


def reopen_year(ctx: RunContext, year_text: str, reason: str) -> str:
    """Reopen the closed year; the reason is kept with the event. Returns the year's label
    («2026/2027»), or "" when it was open; :class:`~zhurnal.core.errors.UnknownYear`,
    :class:`~zhurnal.core.errors.YearReopenNeedsReason`."""
    with ctx.engine.begin() as conn:
        label = find_year(conn, ctx.school_id, year_text)
        return label if set_year_closed(conn, ctx.school_id, label, closed=False, reason=reason, now=ctx.now) else ""
