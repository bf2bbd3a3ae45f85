"""Intake that never stops: odd inbox entries, unreadable files, a read-only inbox, a missing
inbox, files still arriving, and two runs at once."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import findings_of, s, settled, status_of, untaught
from filelock import FileLock

import zhurnal.ingest.pipeline as pipeline
import zhurnal.ingest.read as read_module
import zhurnal.ingest.submission_steps as submission_steps
from zhurnal.cli import main
from zhurnal.ingest.lock import LOCK_NAME


def _entries(ws) -> list[str]:
    """What lies in ``inbox/`` besides the teachers' own folders (``inbox/<login>/``)."""
    from zhurnal.ingest.authors import teacher_logins
    logins = set(teacher_logins(ws.ctx()))
    return sorted(p.name for p in ws.settings.inbox.iterdir() if not (p.is_dir() and p.name in logins))

def test_odd_entries_are_left_and_unreadable_files_wait(loaded, school, tmp_path, monkeypatch):
    """GIVEN a valid roster beside a symlink to a workbook outside the workspace, a FIFO, a
    folder and a file the process may not read WHEN ingested THEN the roster is accepted, the
    others each get a finding and stay where they are, and nothing from outside is archived."""
    inbox = loaded.settings.inbox
    loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")
    outside = loaded.drop_roster("9А", loaded.prefilled_roster("9А"), name="outside.xlsx")
    outside = outside.rename(tmp_path / "outside.xlsx")
    (inbox / "link.xlsx").symlink_to(outside)
    os.mkfifo(inbox / "pipe.xlsx")
    (inbox / "folder").mkdir()
    secret = inbox / "secret.xlsx"
    secret.write_bytes(b"someone else's file")
    real_open = read_module.os.open

    def as_other_user(path, flags, *args):  # the suite runs as root, where mode 0600 reads anyway
        if str(path) == str(secret):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(read_module.os, "open", as_other_user)
    archived = {p.name for p in loaded.settings.archive.rglob("*.*")}
    report = loaded.ingest()
    assert status_of(report) == {"good.xlsx": "accepted", "link.xlsx": "left", "pipe.xlsx": "left",
                                 "folder": "left", "secret.xlsx": "failed"} and not report.ok
    for name in ("link.xlsx", "pipe.xlsx", "folder"):
        assert findings_of(report, name) == {("", "", "inbox-entry-not-a-file")}
    assert findings_of(report, "secret.xlsx") == {("", "", "file-not-readable")}
    assert _entries(loaded) == ["folder", "link.xlsx", "pipe.xlsx", "secret.xlsx"]
    import hashlib
    outside_hash = hashlib.sha256(outside.read_bytes()).hexdigest()
    new = {p.name for p in loaded.settings.archive.rglob("*.*")} - archived
    assert len(new) == 1 and not any(outside_hash in name for name in new)


def test_read_only_inbox_is_a_warning_and_the_rerun_tidies(loaded, monkeypatch):
    """GIVEN an inbox the run may not delete from WHEN a roster is ingested THEN it is accepted
    with an `inbox-not-writable` warning, and the next run tidies the copy away as a duplicate."""
    loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")

    def read_only(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(submission_steps, "remove_from_inbox", read_only)
    report = loaded.ingest()
    assert status_of(report) == {"good.xlsx": "accepted"} and report.ok
    assert findings_of(report) == {("", "", "inbox-not-writable")}
    monkeypatch.undo()
    again = loaded.ingest()
    assert status_of(again) == {"good.xlsx": "duplicate"} and not _entries(loaded)


def test_missing_inbox_is_a_configuration_error(ws):
    runner = CliRunner()
    inbox = ws.settings.inbox
    inbox.rmdir()
    result = runner.invoke(main, ["--workspace", str(ws.path), "ingest"])
    assert result.exit_code == 2 and "inbox" in result.output
    inbox.write_text("a file where the inbox folder should be")
    result = runner.invoke(main, ["--workspace", str(ws.path), "ingest", "--json"])
    assert result.exit_code == 2 and "inbox" in result.output


def test_a_short_copy_is_deferred_not_rejected(ws, school, monkeypatch):
    """GIVEN settle_seconds = 0 and a workbook whose copy has written only half its bytes WHEN
    ingested THEN it is deferred and stays; once complete it is accepted. A file that changes
    while it is read is deferred too."""
    path = ws.drop_setup(school.setup)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    report = ws.ingest()
    assert status_of(report) == {"setup.xlsx": "deferred"} and path.exists() and report.ok
    # saying why: just modified, and taken once unchanged for the 5 s floor of a short read
    [said] = report.files[0].findings
    assert (said.code, said.severity, said.value) == ("file-still-being-written", "warning", "0")
    assert said.message == "Файл ещё пишется: он изменён 0 с назад. Его возьмут при следующем запуске, " \
                           "когда он не будет меняться 5 с подряд."

    real_read = read_module._read_all

    def still_copying(fd, size, max_bytes):
        data = real_read(fd, size, max_bytes)
        with path.open("ab") as handle:
            handle.write(whole[len(whole) // 2:])
        return data

    monkeypatch.setattr(read_module, "_read_all", still_copying)
    changed = ws.ingest()
    assert status_of(changed) == {"setup.xlsx": "deferred"} and path.read_bytes() == whole
    assert [f.code for f in changed.files[0].findings] == ["file-still-being-written"]
    monkeypatch.undo()
    assert status_of(ws.ingest()) == {"setup.xlsx": "accepted"}


def test_one_run_at_a_time(loaded):
    """GIVEN another process holding the workspace WHEN `ingest --no-wait` runs THEN it exits 1
    saying so; WHEN `ingest` runs THEN it waits, and finishes once the other run is over."""
    loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")
    lock = FileLock(str(loaded.path / LOCK_NAME))
    with lock:
        result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "ingest", "--no-wait"])
        assert result.exit_code == 1 and "другой запуск" in result.output
        told = loaded.path.parent / "waiting.err"
        with told.open("wb") as err_file:
            waiting = subprocess.Popen([sys.executable, "-m", "zhurnal.cli", "--workspace", str(loaded.path),
                                        "ingest", "--json"], stdout=subprocess.PIPE, stderr=err_file)
        deadline = time.monotonic() + 60      # however slow the machine, until it says it waits
        while "жду" not in told.read_text(encoding="utf-8", errors="replace") and time.monotonic() < deadline:
            assert waiting.poll() is None, told.read_text(encoding="utf-8", errors="replace")
            time.sleep(0.2)
        assert "жду" in told.read_text(encoding="utf-8")
        assert waiting.poll() is None and (loaded.path / "inbox" / "good.xlsx").exists()
    out, _ = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, told.read_text(encoding="utf-8")
    assert not (loaded.path / "inbox" / "good.xlsx").exists()


def _maths(ws):
    from test_journal import teacher_with
    return teacher_with(ws.week_templates(), lambda i: i["section"].subject == "Математика")


def test_what_spreadsheet_programs_do_to_typed_marks(loaded):
    """GIVEN a journal whose mark cells hold what Excel makes of typed values in a cell without
    the Text format (5/4 → a date, 4- → -4, 5,4 → 5.4) and pasted invisible characters WHEN
    ingested THEN the date and the fraction are errors naming the cause, -4 is read as 4- and
    the invisible characters are removed, each with a warning; and the template itself now
    issues its mark cells with the Text format."""
    from conftest import SATURDAY
    teacher, path, sheet, info = _maths(loaded)
    key, st = info["keys"][0], info["students"]
    book = openpyxl_load(path)
    first = book[sheet].cell(row=7, column=3)
    assert first.number_format == "@" and book[sheet].cell(row=8, column=3).number_format == "@"
    loaded.drop_grid(path, {sheet: {(st[0], key): -4, (st[1], key): "4\u200b", (st[2], key): "н\u200b",
                                    (st[3], key): "\ufeff5/4"}}, name="a.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"a.xlsx": "accepted"}
    assert findings_of(report) == {(sheet, "C7", "mark-recovered-from-number"), (sheet, "C8", "value-normalised"),
                                   (sheet, "C9", "value-normalised"), (sheet, "C10", "value-normalised")} | untaught(path)
    stored = {e["student_id"]: (e["marks"], e["presence"]) for e in loaded.rows(s.journal_entries)}
    assert [stored[i] for i in st[:4]] == [("4-", ""), ("4", ""), ("", "н"), ("5/4", "")]
    loaded.drop_grid(path, {sheet: {(st[0], key): dt.date(2026, 4, 5), (st[1], key): 5.4}}, name="b.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert findings_of(report) == {(sheet, "C7", "mark-converted-to-date"),
                                   (sheet, "C8", "mark-converted-to-number")} | untaught(path), findings_of(report)


def openpyxl_load(path):
    import openpyxl
    return openpyxl.load_workbook(path)


def test_merged_mark_cells_are_a_finding(loaded):
    """GIVEN three students' mark cells merged into one with н typed once WHEN ingested THEN
    the journal is rejected with `merged-cells` at the range, and no absence is dropped."""
    from conftest import SATURDAY
    teacher, path, sheet, info = _maths(loaded)
    key, st = info["keys"][0], info["students"]
    target = loaded.drop_grid(path, {sheet: {(st[0], key): "н"}}, name="merged.xlsx")
    book = openpyxl_load(target)
    book[sheet].merge_cells("C7:C9")
    book.save(target)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"merged.xlsx": "rejected"}
    # only the teacher's merge: the template's own merged «Как заполнять» row is not input
    assert findings_of(report) == {(sheet, "C7:C9", "merged-cells")} | untaught(path), findings_of(report)
    assert loaded.rows(s.journal_entries) == []


@pytest.mark.soffice
def test_formulas_merges_and_saved_time_in_xls_and_ods(loaded, tmp_path):
    """GIVEN a journal with =2+3 in a mark cell and three mark cells merged, saved by LibreOffice
    as .xls and as .ods WHEN ingested THEN each is rejected with `formula-not-allowed` and
    `merged-cells` at their cells (not accepted as the value 5), and the .xls carries its saved
    time from the OLE summary."""
    from conftest import SATURDAY
    from test_libreoffice import resave
    teacher, path, sheet, info = _maths(loaded)
    key, st = info["keys"][0], info["students"]
    typed = loaded.drop_grid(path, {sheet: {(st[0], key): "н", (st[4], key): "5"}}, name="typed.xlsx")
    book = openpyxl_load(typed)
    book[sheet]["C11"] = "=2+3"
    book[sheet].merge_cells("C7:C9")
    book.save(typed)
    saved = []
    for fmt in ("xls", "ods"):
        [converted] = resave([typed], fmt, tmp_path / fmt, tmp_path / "profile")
        saved.append(converted.rename(loaded.settings.inbox / converted.name))
    typed.unlink()
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"typed.xls": "rejected", "typed.ods": "rejected"}
    for item in saved:
        assert findings_of(report, item.name) == {(sheet, "C11", "formula-not-allowed"),
                                                  (sheet, "C7:C9", "merged-cells")} | untaught(path), item.name
    [row] = [r for r in loaded.rows(s.submissions) if r["original_name"] == "typed.xls"]
    assert row["saved_at"] is not None and abs(row["saved_at"] - dt.datetime.utcnow()) < dt.timedelta(hours=1)


SSCONVERT = shutil.which("ssconvert")


@pytest.mark.soffice
def test_a_typed_journal_through_gnumeric_and_libreoffice(loaded, tmp_path):
    """GIVEN a typed journal (5/4, 4-, н, оп 3, a topic) WHEN it is saved by Gnumeric as xlsx,
    xls and ods and by LibreOffice as ods, each ingested in turn THEN the first gives the store
    what was typed and every later copy changes nothing (each was read the same)."""
    from conftest import SATURDAY
    from test_journal import stored_cells
    from test_libreoffice import resave
    assert SSCONVERT, "Gnumeric is required: .ci/run installs gnumeric"
    teacher, path, sheet, info = _maths(loaded)
    st, keys = info["students"], info["keys"]
    values = {(st[0], keys[0]): "5/4", (st[1], keys[0]): "4-", (st[2], keys[0]): "н", (st[3], keys[1]): "оп 3",
              ("topic", keys[0]): "Дроби", ("homework", keys[0]): "№ 5/4, с. 34"}
    typed = loaded.drop_grid(path, {sheet: values}, name="typed.xlsx").rename(tmp_path / "typed.xlsx")
    expected = {st[0]: ("5/4", ""), st[1]: ("4-", ""), st[2]: ("", "н"), st[3]: ("3", "оп")}
    saved = []
    for fmt in ("xlsx", "xls", "ods"):
        target = tmp_path / "gnumeric" / f"gnumeric.{fmt}"
        target.parent.mkdir(exist_ok=True)
        subprocess.run([SSCONVERT, str(typed), str(target)], check=True, capture_output=True, timeout=120)
        saved.append(target)
    [office] = resave([typed], "ods", tmp_path / "lo", tmp_path / "profile")
    saved.append(office.rename(tmp_path / "lo" / "libreoffice.ods"))
    for number, item in enumerate(saved):
        shutil.move(item, loaded.settings.inbox / item.name)
        report = loaded.ingest(now=SATURDAY)
        assert status_of(report) == {item.name: "accepted"}, report.files[0].findings[:3]
        assert {k[5]: v for k, v in stored_cells(loaded).items()} == expected, item.name
        assert report.files[0].changes > 0 if number == 0 else report.files[0].changes == 0, item.name
    lesson = next(l for l in loaded.rows(s.lessons) if l["topic"] == "Дроби")
    assert lesson["homework"] == "№ 5/4, с. 34"


def _die_at(event: str, n: int) -> None:
    """In the process about to ingest: SIGKILL itself when it reaches the ``n``-th ``event``:
    ``record`` (inside a file's transaction, before its commit), ``committed`` (right after a
    file's commit), ``durable`` (the batch's commits on disk, its files not yet out of the
    inbox) or ``left`` (right after a file left the inbox). Points the code reaches, whatever
    the machine's speed."""
    import signal
    from collections import Counter

    from zhurnal.store.durable import BatchedCommits
    seen: Counter = Counter()

    def counted(name: str, function, *, before: bool = False):
        def wrapped(*args, **kwargs):
            if before:
                seen[name] += 1
                if (name, seen[name]) == (event, n):
                    os.kill(os.getpid(), signal.SIGKILL)
            result = function(*args, **kwargs)
            if not before:
                seen[name] += 1
                if (name, seen[name]) == (event, n):
                    os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapped

    pipeline.record_submission = counted("record", pipeline.record_submission, before=True)
    pipeline._Run.accept = counted("committed", pipeline._Run.accept)
    BatchedCommits.make_durable = counted("durable", BatchedCommits.make_durable)
    pipeline.leave_inbox = counted("left", pipeline.leave_inbox)


def _killed_ingest(path, event: str, n: int) -> int:
    """Run `zhurnal ingest` in a forked child that kills itself at the ``n``-th ``event``
    (:func:`_die_at`); its wait status."""
    child = os.fork()
    if child == 0:  # the child: one ingest run, as the command line does it
        try:
            _die_at(event, n)
            main(["--workspace", str(path), "ingest"], standalone_mode=False)
        finally:
            os._exit(0)
    return os.waitpid(child, 0)[1]


# (event, n) → inbox files the kill leaves (4 rosters; commits made durable two by two)
KILL_POINTS = {("record", 1): 4, ("committed", 1): 4, ("committed", 2): 4, ("durable", 1): 4, ("left", 1): 3,
               ("left", 2): 2, ("record", 3): 2, ("committed", 3): 2, ("committed", 4): 2, ("durable", 2): 2,
               ("left", 3): 1, ("left", 4): 0}


@pytest.mark.slow
def test_kill_9_at_each_step_of_the_commit_then_rerun_equals_one_clean_run(ws, school, tmp_path, monkeypatch):
    """GIVEN a batch of four rosters WHEN `zhurnal ingest` is killed with SIGKILL at each point
    of a file's way out (inside its transaction, after its commit, after the batch's sync,
    after each file left the inbox), and run again each time THEN every store equals the store
    of one clean run, and the inbox is empty."""
    from conftest import Workspace
    from test_recovery import _drop_school, dump
    _drop_school(ws, school, classes=("5А", "6А", "7А", "8А"))
    # files leave the inbox two by two (their commits made durable together), so a kill also
    # falls between one pair's removal and the next pair's commits (the forked child inherits this)
    monkeypatch.setattr(pipeline, "DURABLE_BATCH", 2)
    ws.engine.dispose()
    shutil.copytree(ws.path, tmp_path / "clean")
    clean = Workspace(tmp_path / "clean")
    assert clean.ingest().ok
    expected = dump(clean)
    clean.engine.dispose()
    for (event, n), left in KILL_POINTS.items():
        target = tmp_path / f"{event}{n}"
        shutil.copytree(ws.path, target)
        status = _killed_ingest(target, event, n)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9, (event, n, status)
        again = Workspace(target)
        assert len(_entries(again)) == left, (event, n)
        report = again.ingest()
        assert report.ok, [(f.name, f.status) for f in report.files]
        assert dump(again) == expected, (event, n)
        assert not _entries(again)
        again.engine.dispose()


def test_metadata_must_belong_to_its_workbook(loaded):
    """GIVEN teacher B's filled journal with teacher A's signed `_zhurnal` sheet pasted in (and
    B's sheet renamed to A's) WHEN ingested THEN it is rejected with `metadata-mismatch`, and its
    findings-only feedback goes to the sysadmin's folder, never to A."""
    from conftest import SATURDAY
    from test_journal import teacher_with

    from zhurnal.core.filenames import short_name
    from zhurnal.templates.metadata import META_SHEET
    week = loaded.week_templates()
    a, a_path, a_sheet, _ = teacher_with(week, lambda i: i["section"].subject == "Математика")
    b, b_path, b_sheet, b_info = teacher_with(week, lambda i: i["section"].subject == "Английский язык")
    assert a != b
    target = loaded.drop_grid(b_path, {b_sheet: {(b_info["students"][0], b_info["keys"][0]): "5"}}, name="b.xlsx")
    book, stolen = openpyxl_load(target), openpyxl_load(a_path)[META_SHEET]
    book[b_sheet].title = a_sheet
    for sheet in book.worksheets:
        if sheet.title != a_sheet:
            book.remove(sheet)
    meta = book.create_sheet(META_SHEET)
    for row in stolen.iter_rows(values_only=True):
        meta.append(list(row))
    book.save(target)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"b.xlsx": "rejected"}
    assert findings_of(report) == {(META_SHEET, "", "metadata-mismatch")}
    feedback = loaded.path / report.files[0].feedback
    assert feedback.parent.name == "без_автора" and not (loaded.settings.outbox / "feedback" / short_name(a)).exists()
    assert openpyxl_load(feedback).sheetnames == ["Ошибки"]


def test_values_outside_the_grid_are_findings_not_dropped(loaded):
    """GIVEN a journal with a mark typed right of its last column and a word typed below its
    last row WHEN ingested THEN each is `value-outside-template` at its cell."""
    from conftest import SATURDAY
    from openpyxl.utils import get_column_letter
    teacher, path, sheet, info = _maths(loaded)
    target = loaded.drop_grid(path, {sheet: {(info["students"][0], info["keys"][0]): "5"}}, name="outside.xlsx")
    book = openpyxl_load(target)
    grid = book[sheet]
    last_col = max(c.column for c in grid[2] if c.value not in (None, ""))
    last_row = max(c.row for c in grid["A"] if c.value not in (None, ""))
    right = f"{get_column_letter(last_col + 1)}7"
    bottom = max([last_row, *(r.max_row for r in grid.merged_cells.ranges)])
    below = f"C{bottom + 2}"   # below the grid and its merged «Как заполнять» row
    grid[right], grid[below] = "4", "болел"
    book.save(target)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"outside.xlsx": "rejected"}
    assert findings_of(report) == {(sheet, right, "value-outside-template"),
                                   (sheet, below, "value-outside-template")} | untaught(path), findings_of(report)


def test_a_workbook_open_in_libreoffice_waits_for_its_lock_file(loaded):
    """GIVEN a roster in the inbox with LibreOffice's lock file beside it (the class teacher still
    has it open) WHEN ingest runs THEN the roster is deferred with «книга открыта в редакторе»,
    stays in the inbox and changes nothing, and the lock file is not taken; WHEN the lock file is
    gone (the editor closed) THEN the next run accepts the roster."""
    roster = loaded.prefilled_roster("8А")
    roster["Родители"][0]["email"] = "open.book@example.ru"
    path = loaded.drop_roster("8А", roster, name="roster_8A.xlsx")
    lock = path.parent / ".~lock.roster_8A.xlsx#"
    lock.write_text("Петрова,host,/home/petrova,07.12.2026 10:00,file:///home/petrova/.config/libreoffice/4;")
    settled(path)
    report = loaded.ingest()
    assert status_of(report) == {"roster_8A.xlsx": "deferred"}
    [result] = report.files
    assert [(f.code, f.value) for f in result.findings] == [("workbook-open-in-editor", lock.name)]
    assert "Книга открыта в редакторе" in result.findings[0].message
    assert path.exists() and lock.exists()
    assert "open.book@example.ru" not in {r["email"] for r in loaded.rows(s.parents)}
    lock.unlink()
    again = loaded.ingest()
    assert status_of(again) == {"roster_8A.xlsx": "accepted"}, again.files[0].findings
    assert not path.exists()
    assert "open.book@example.ru" in {r["email"] for r in loaded.rows(s.parents)}
