"""Plain-text tables for the terminal (the sysadmin's view of a run)."""

from __future__ import annotations

from zhurnal.backup.health import warning_lines
from zhurnal.text.i18n import N_, _, ngettext
from zhurnal.ingest.pipeline import IngestReport
from zhurnal.status import Status

KINDS = {"setup": N_("school setup"), "roster": N_("class roster"), "journal": N_("journal"),
         "attendance": N_("attendance register"), "period": N_("period-mark workbook"), "plan": N_("lesson plan (КТП)"),
         "year": N_("year-mark workbook"), "prior": N_("earlier years' marks")}
STATUS_RU = {"accepted": "принят", "rejected": "ОТКЛОНЁН", "duplicate": "повтор",
             "deferred": "ещё пишется", "failed": "СБОЙ", "left": "не файл, оставлен"}


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)] if rows else \
        [len(h) for h in headers]
    line = lambda values: "  ".join(str(v).ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def ingest_table(report: IngestReport) -> str:
    """One line per file, then one line per error finding with its sheet and cell."""
    rows = [[f.name, STATUS_RU.get(f.status, f.status), f.kind, f.author, str(f.changes),
             str(sum(1 for x in f.findings if x.is_error))] for f in report.files]
    out = [_table(["файл", "итог", "вид", "автор", "изменений", "ошибок"], rows)]
    for item in report.files:
        for found in item.findings:
            where = "!".join(p for p in (found.sheet, found.cell) if p)
            out.append(f"  {item.name}: {found.severity.value} {found.code} {where} {found.message}")
        if item.feedback:
            out.append(f"  {item.name}: feedback → {item.feedback}")
    counts = {s: sum(1 for f in report.files if f.status == s) for s in STATUS_RU}
    out.append("итого: " + ", ".join(f"{STATUS_RU[s]} {n}" for s, n in counts.items() if n)
               + (" (пробный прогон, ничего не изменено)" if report.dry_run else ""))
    if not report.files:
        out.append("во входящих (inbox/) нет файлов")
    return "\n".join(out)


def validate_text(result) -> str:
    """``zhurnal validate FILE``: what ingest would do with the file, then its findings as a table."""
    verdict = {"accepted": _("would be accepted ({n} changes)").format(n=result.changes),
               "rejected": _("would be REJECTED"), "duplicate": _("already received (nothing would change)")}
    out = [f"{result.name}: {verdict.get(result.status, result.status)}"
           + (f" — {result.kind}, {result.author}" if result.kind else "")]
    if result.findings:
        severity = {"error": _("error"), "warning": _("warning")}
        out.append(_table([_("sheet"), _("cell"), _("what"), _("message"), _("code")],
                          [[f.sheet, f.cell, severity[f.severity.value], f.message, f.code]
                           for f in result.findings]))
    return "\n".join(out)


# what the store holds, in the words of the people who filled it (table names stay internal)
STORE_COUNTS = (
    ("classes", N_("classes")), ("students", N_("students")), ("teachers", N_("teachers")),
    ("subjects", N_("subjects")), ("lessons", N_("lessons recorded")),
    ("journal_entries", N_("marks and attendance notes")), ("absences", N_("days with absences")),
    ("period_marks", N_("period marks")), ("plan_items", N_("planned lessons (КТП)")),
    ("submissions", N_("workbooks received")), ("revisions", N_("changes recorded")),
)


def status_text(status: Status) -> str:
    """The ``zhurnal status`` screen: what the school's journal holds, in people's terms."""
    out = [_("School: {name}").format(name=status.school), _("Store: {url}").format(url=status.store_url)]
    if status.year:
        out.append((_("School year {year}: closed") if status.year_closed else _("School year {year}: open"))
                   .format(year=status.year))
    if status.closed_periods:
        out.append(_("Closed periods: {periods}").format(periods=", ".join(status.closed_periods)))
    out.append("")
    out.append(_table([_("what"), _("how many")],
                      [[_(label), str(status.counts.get(table, 0))] for table, label in STORE_COUNTS]))
    out += ["", _("Waiting in inbox/: {n}").format(n=len(status.inbox))] + [f"  {n}" for n in status.inbox]
    out += ["", _("Latest workbooks received:")]
    out.append(_table(["№", _("file"), _("kind"), _("author"), _("outcome"), _("received")],
                      [[str(r["id"]), r["file"], (_(KINDS.get(r["kind"], r["kind"])) if r["kind"] else "—"), r["author"] or "",
                        STATUS_RU.get(r["status"], r["status"]), r["received_at"]] for r in status.recent]))
    if status.rejected:
        out += ["", _("Rejected:")]
        out += [f"  {r['file']} ({r['author'] or '—'}): {', '.join(r['errors'])}" for r in status.rejected]
    if status.corrected:
        out += ["", "Отклонены, затем исправлены:"]
        out += [f"  {r['file']} ({r['author'] or '—'}): исправлено {r['corrected_at']}, файл «{r['corrected_by']}»"
                for r in status.corrected]
    if status.held_mail:
        out += ["", _("Mail held for the sysadmin (in the held folder of the mailbox):")]
        out += [f"  {m['received_at']} {m['sender']}: {_(HELD_REASONS.get(m['reason'], m['reason']))}"
                for m in status.held_mail]
    if status.loose_modes:
        out += ["", _("Other users of this computer may read or change {count} files and folders of the "
                      "workspace (pupils, parents, passwords): run «zhurnal init --fix-modes».")
                .format(count=len(status.loose_modes))]
        out += [f"  {path}" for path in status.loose_modes[:10]] + (["  …"] if len(status.loose_modes) > 10 else [])
    if status.recommend_author_folders:
        out += ["", _("Teachers' workbooks are taken from the top inbox/ too, where anyone may put one in "
                      "a teacher's name: set author_folders_only = true in [ingest] of zhurnal.toml.")]
    out += backup_text(status.backup)
    return "\n".join(out)


HELD_REASONS = {"unknown-sender": N_("not a teacher's registered address"),
                "not-authenticated": N_("the mail server did not confirm the sender (DKIM/SPF)"),
                "no-trusted-auth": N_("no Authentication-Results from the school's own mail server"),
                "no-workbook": N_("no workbook attached")}


def publish_text(result: dict) -> str:
    """What ``zhurnal publish`` made: per week or period, counts, where, and what failed."""
    out = []
    week = result.get("week")
    if week:
        out.append(f"Неделя {week['week']}: дневников {week['diaries']}, писем родителям {week['mails']} "
                   f"(без изменений, не отправляются: {week['unchanged']}), пакетов для печати "
                   f"{len(week['print_bundles'])}, писем с ошибками учителям {week['feedback_mails']}.")
        out.append(f"Всё лежит в {week['outbox']}")
    period = result.get("period")
    if period:
        out.append(f"Период {period['week']}: табелей {period['diaries']}, писем родителям {period['mails']}, "
                   f"пакетов для печати {len(period['print_bundles'])}. Всё лежит в {period['outbox']}")
    if result.get("year_report"):
        out.append("Отчёт за учебный год (движение, численность, итоги по ученикам, посещаемость):")
    for part in result.values():
        if part.get("corrections") or part.get("superseded"):
            out.append(f"Из них исправлений уже полученного: {part['corrections']}; "
                       f"заменено писем, ещё не отправленных: {part['superseded']}.")
        out += [f"Сводка: {path}" for path in part["summaries"]]
        out += [f"НЕ СОБРАН: {item}" for item in part["failed"]]
    return "\n".join(out)


def backup_text(figures: dict) -> list[str]:
    """The backup lines of ``status`` and of the end of ``run``: the newest copy, then warnings."""
    out = [""]
    if figures.get("newest"):
        places = figures["destinations"]
        out.append(_("Backup: {at} ({days} days ago), verified").format(at=figures["newest_at"], days=figures["age_days"])
                   + " " + ngettext("at {n} place", "at {n} places", places).format(n=places))
    out += [f"ВНИМАНИЕ: {line}" for line in warning_lines(figures)]
    return out if len(out) > 1 else []



FIELD_RU = {"marks": "Отметки", "presence": "Присутствие", "topic": "Тема", "homework": "Домашнее задание",
            "work_type": "Вид работы", "ict": "ИКТ", "teacher": "Учитель", "lessons": "Пропущено уроков",
            "reason": "Причина", "mark": "Отметка за период"}
PRESENCE_RU = {"н": "отсутствовал", "оп": "опоздал"}


def _shown(field: str, value: object) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if field == "presence":
        return PRESENCE_RU.get(str(value), str(value))
    return str(value)


def _changes(row: dict) -> list[tuple[str, str, str]]:
    """(what, was, became) in people's words, one per field that changed."""
    old, new = row["old"] or {}, row["new"] or {}
    found = []
    for field, label in FIELD_RU.items():
        if field in old or field in new:
            before, after = old.get(field), new.get(field)
            if before != after and (before not in (None, "") or after not in (None, "")):
                found.append((label if field != "mark" else f"{label} {row.get('period', '')}".strip(),
                              _shown(field, before), _shown(field, after)))
    if not found and row["new"] is None and row["entity"] == "lessons":
        found.append(("Урок", "был", "удалён"))
    return found


def history_text(rows: list[dict]) -> str:
    """One line per changed value: when, who and from which file, where (class, subject, date,
    lesson), whom, what, was → became."""
    if not rows:
        return "изменений не найдено"
    table = []
    for r in rows:
        day = r.get("date")
        where = [f"{r['received_at']:%d.%m.%Y %H:%M}", r["author"] or "", r["file"] or "", r.get("class_code") or "",
                 r.get("subject") or "", f"{day:%d.%m.%Y}" if day else "",
                 f"{r['lesson_no']}-й" if r.get("lesson_no") else "", r.get("student") or ""]
        table += [where + list(change) for change in _changes(r)]
    return _table(["когда", "кто", "файл", "класс", "предмет", "дата", "урок", "ученик", "что", "было", "стало"],
                  table)
