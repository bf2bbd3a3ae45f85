"""Files that are not good workbooks: each rejected with its own code, the batch goes on,
and nothing but the good file changes the store."""

from __future__ import annotations

import io
import os
import time
import zipfile

import msoffcrypto
import openpyxl
from conftest import Workspace, findings_of, make_workspace, s, settled, status_of

from zhurnal.core.settings import IngestSettings
from zhurnal.demo.fill import fill_workbook
from zhurnal.store import queries as q
from zhurnal.templates.metadata import META_SHEET


def _store_counts(ws):
    with ws.engine.connect() as conn:
        counts = q.counts(conn, 1)
    counts.pop("submissions")
    return counts


def test_each_bad_file_gets_its_own_code_and_the_batch_goes_on(loaded, school, tmp_path):
    inbox = loaded.settings.inbox
    good = loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")
    good_bytes = good.read_bytes()
    roster = loaded.prefilled_roster("9А")
    roster["Ученики"][0]["full_name"] = "Изменённый Ученик Иванович"

    edited = loaded.drop_roster("9А", roster, name="edited_meta.xlsx")
    book = openpyxl.load_workbook(edited)
    meta = book[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == "class_code":
            row[1].value = "8А"  # a teacher "fixes" the class in the hidden sheet
    book.save(edited)

    missing = loaded.drop_roster("9А", roster, name="no_meta.xlsx")
    book = openpyxl.load_workbook(missing)
    del book[META_SHEET]
    book.save(missing)

    make_workspace(tmp_path / "other", code="school17")
    other = Workspace(tmp_path / "other")
    other.drop_setup(school.setup)
    assert other.ingest().ok
    fill_workbook(other.roster_template("9А"), inbox / "foreign.xlsx", other.roster_spec("9А"), roster)

    (inbox / "text.xlsx").write_text("ФИО;класс\nИванов;5А\n", encoding="utf-8")
    (inbox / "empty.xlsx").write_bytes(b"")
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04")
    settled(inbox / "text.xlsx", inbox / "empty.xlsx")

    plain = loaded.drop_roster("9А", roster, name="plain.xlsx")
    encrypted = io.BytesIO()
    with plain.open("rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.encrypt("секрет", encrypted)
    (inbox / "password.xlsx").write_bytes(encrypted.getvalue())
    plain.unlink()

    # lock files and hidden files are not submissions at all; lock files a day old are stale:
    # the workbook beside them is taken and they are reported
    (inbox / "~$good.xlsx").write_bytes(b"lock")
    (inbox / ".~lock.good.xlsx#").write_text("lock")
    for lock in ("~$good.xlsx", ".~lock.good.xlsx#"):
        os.utime(inbox / lock, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    (inbox / ".hidden.xlsx").write_bytes(good_bytes)

    before = _store_counts(loaded)
    archived = len(list(loaded.settings.archive.rglob("*.*")))
    report = loaded.ingest()
    assert status_of(report) == {
        "good.xlsx": "accepted", "edited_meta.xlsx": "rejected", "no_meta.xlsx": "rejected",
        "foreign.xlsx": "rejected", "text.xlsx": "rejected", "empty.xlsx": "rejected",
        "notes.docx": "rejected", "password.xlsx": "rejected", "~$good.xlsx": "left", ".~lock.good.xlsx#": "left"}
    codes = {f.name: {x.code for x in f.findings} for f in report.files}
    assert codes["edited_meta.xlsx"] == {"metadata-tampered"}
    assert codes["no_meta.xlsx"] == {"metadata-missing"}
    assert codes["foreign.xlsx"] == {"signed-by-other-workspace"}
    assert codes["text.xlsx"] == {"file-unreadable"}
    assert codes["empty.xlsx"] == {"file-empty"}
    assert codes["notes.docx"] == {"file-unsupported-type"}
    assert codes["password.xlsx"] == {"file-encrypted"}
    assert codes["~$good.xlsx"] == codes[".~lock.good.xlsx#"] == {"stale-lock-file"}
    # the good roster changed nothing either, but it confirms its class's roster (a roster handed
    # in unchanged counts as the class teacher's confirmation)
    after = _store_counts(loaded)
    assert after.pop("roster_confirmations") == before.pop("roster_confirmations") + 1
    assert after == before
    assert "Изменённый Ученик Иванович" not in {r["full_name"] for r in loaded.rows(s.students)}
    assert sorted(p.name for p in inbox.iterdir() if not p.is_dir()) == [".hidden.xlsx", ".~lock.good.xlsx#", "~$good.xlsx"]
    # every rejected file got a feedback workbook and an archived original
    assert len(list((loaded.settings.outbox / "feedback").rglob("*.xlsx"))) == 7
    assert len(list(loaded.settings.archive.rglob("*.*"))) == archived + 8
    # the same rejected bytes dropped again are still rejected, for the same reasons (the
    # sysadmin has removed the stale lock files meanwhile)
    (inbox / "~$good.xlsx").unlink()
    (inbox / ".~lock.good.xlsx#").unlink()
    (inbox / "again.xlsx").write_bytes(encrypted.getvalue())
    again = loaded.ingest()
    assert status_of(again) == {"again.xlsx": "rejected"} and findings_of(again) == {("", "", "file-encrypted")}


def test_bytes_rejected_for_their_name_are_checked_again_under_a_good_one(loaded):
    """GIVEN a roster sent as «.pdf» (rejected: ``file-unsupported-type``) WHEN the same bytes
    come back as «.xlsx» THEN they are checked again, not given the old verdict: accepted, the
    new student stored, and the file's one submission row now says accepted."""
    roster = loaded.prefilled_roster("8А")
    roster["Ученики"].append({"full_name": "Новикова Вера Олеговна"})
    path = loaded.drop_roster("8А", roster, name="список.pdf")
    settled(path)
    first = loaded.ingest()
    assert status_of(first) == {"список.pdf": "rejected"}
    assert findings_of(first) == {("", "", "file-unsupported-type")}
    again = loaded.settings.inbox / "список.xlsx"
    again.write_bytes((loaded.settings.archive).rglob("*.pdf").__next__().read_bytes())
    settled(again)
    second = loaded.ingest()
    assert status_of(second) == {"список.xlsx": "accepted"}
    assert "Новикова Вера Олеговна" in {r["full_name"] for r in loaded.rows(s.students)}
    with loaded.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT original_name, status FROM submissions WHERE original_name LIKE 'список.%'").all()
    assert [tuple(r) for r in rows] == [("список.xlsx", "accepted")]


def test_symlinks_and_long_names(loaded, school, tmp_path):
    """GIVEN a symlink in the inbox pointing at a workbook outside the workspace, and a rejected
    workbook whose name is 245 bytes long WHEN ingested THEN the symlink is never followed (it
    stays, with a finding for the sysadmin, nothing of it reaches archive/) and the long name
    gets a shortened feedback file."""
    inbox = loaded.settings.inbox
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(b"not a workbook at all")
    (inbox / "link.xlsx").symlink_to(outside)
    long_name = "Ж" * 120 + ".xlsx"
    (inbox / long_name).write_bytes(b"plain text renamed")
    settled(inbox / long_name)
    archived = len(list(loaded.settings.archive.rglob("*.*")))
    report = loaded.ingest()
    assert status_of(report) == {long_name: "rejected", "link.xlsx": "left"}
    assert findings_of(report, long_name) == {("", "", "file-unreadable")}
    assert findings_of(report, "link.xlsx") == {("", "", "inbox-entry-not-a-file")}
    feedback = loaded.path / report.files[1].feedback
    assert feedback.is_file() and len(feedback.name.encode()) <= 140
    assert len(list(loaded.settings.archive.rglob("*.*"))) == archived + 1
    assert sorted(p.name for p in inbox.iterdir() if not p.is_dir()) == ["link.xlsx"]   # (teachers' folders stay)


def test_zip_bomb_and_oversized_files(ws, school):
    ws.settings = ws.settings.model_copy(update={"ingest": IngestSettings(
        settle_seconds=0, max_file_mb=1, max_unzipped_mb=5)})
    bomb = ws.drop_setup(school.setup, name="bomb.xlsx")
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (6 * 1024 * 1024))
    (ws.settings.inbox / "big.xlsx").write_bytes(b"x" * (1024 * 1024 + 1))
    report = ws.ingest()
    assert findings_of(report, "bomb.xlsx") == {("", "", "file-zip-bomb")}
    assert findings_of(report, "big.xlsx") == {("", "", "file-too-large")}
    assert ws.rows(s.teachers) == []


def test_dry_run_changes_nothing(ws, school):
    ws.drop_setup(school.setup)
    report = ws.ingest(dry_run=True)
    assert status_of(report) == {"setup.xlsx": "accepted"} and report.files[0].changes > 500
    assert ws.rows(s.teachers) == [] and ws.rows(s.submissions) == []
    assert [p.name for p in ws.settings.inbox.iterdir()] == ["setup.xlsx"]
    assert not list(ws.settings.archive.rglob("*.xlsx"))


def test_a_file_still_being_written_waits(ws, school, monkeypatch):
    import zhurnal.ingest.inbox as inbox_module
    ws.settings = ws.settings.model_copy(update={"ingest": IngestSettings(settle_seconds=0.2)})
    path = ws.drop_setup(school.setup)
    real_sleep = inbox_module.time.sleep

    def copying_meanwhile(seconds):
        real_sleep(seconds)
        with path.open("ab") as handle:
            handle.write(b"more bytes")

    monkeypatch.setattr(inbox_module.time, "sleep", copying_meanwhile)
    report = ws.ingest()
    assert status_of(report) == {"setup.xlsx": "deferred"} and report.ok
    assert path.exists()
    [said] = report.files[0].findings           # why: modified moments ago, waiting for settle_seconds
    wait = f"{ws.settings.ingest.settle_seconds:g}"
    assert said.code == "file-still-being-written" and f"не будет меняться {wait} с подряд" in said.message


def test_formulas_where_values_belong_are_findings(loaded):
    roster = loaded.prefilled_roster("6А")
    path = loaded.drop_roster("6А", roster, name="formula.xlsx")
    book = openpyxl.load_workbook(path)
    book["Ученики"]["C2"] = "=DATE(2014,5,1)"
    book["Родители"]["E3"] = '=CONCATENATE("a","@b.ru")'
    book.save(path)
    report = loaded.ingest()
    assert status_of(report) == {"formula.xlsx": "rejected"}
    assert findings_of(report) == {("Ученики", "C2", "formula-not-allowed"), ("Родители", "E3", "formula-not-allowed")}
