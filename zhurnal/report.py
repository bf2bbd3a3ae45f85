"""Plain-text tables for the terminal (the sysadmin's view of a run)."""

from __future__ import annotations

from zhurnal.backup.health import warning_lines
from zhurnal.ingest.pipeline import IngestReport
from zhurnal.status import Status

STATUS_RU = {"accepted": "принят", "rejected": "ОТКЛОНЁН", "duplicate": "повтор",
             "deferred": "ещё пишется", "failed": "СБОЙ"}


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


def status_text(status: Status) -> str:
    """The ``zhurnal status`` screen."""
    out = [f"Школа: {status.school}", f"Хранилище: {status.store_url}", ""]
    shown = {k: v for k, v in status.counts.items() if v}
    out.append(_table(["таблица", "строк"], [[k, str(v)] for k, v in sorted(shown.items())]))
    out += ["", f"Во входящих: {len(status.inbox)}"] + [f"  {n}" for n in status.inbox]
    out += ["", "Последние сдачи:"]
    out.append(_table(["№", "файл", "вид", "автор", "итог", "получен"],
                      [[str(r["id"]), r["file"], r["kind"] or "", r["author"] or "",
                        STATUS_RU.get(r["status"], r["status"]), r["received_at"]] for r in status.recent]))
    if status.rejected:
        out += ["", "Отклонены:"]
        out += [f"  {r['file']} ({r['author'] or '—'}): {', '.join(r['errors'])}" for r in status.rejected]
    out += backup_text(status.backup)
    return "\n".join(out)


def backup_text(figures: dict) -> list[str]:
    """The backup lines of ``status`` and of the end of ``run``: the newest copy, then warnings."""
    out = [""]
    if figures.get("newest"):
        out.append(f"Резервная копия: {figures['newest_at']} ({figures['age_days']} дн. назад), "
                   f"проверена в {figures['destinations']} местах")
    out += [f"ВНИМАНИЕ: {line}" for line in warning_lines(figures)]
    return out if len(out) > 1 else []


_IDENTITY = {"class_code", "subject", "subgroup", "date", "lesson_no", "extra", "teacher"}


def _describe(value: dict | None) -> str:
    if value is None:
        return "—"
    return "; ".join(f"{k}={v}" for k, v in value.items() if v not in (None, "") and k not in _IDENTITY)


def history_text(rows: list[dict]) -> str:
    """One line per change: when, who, what, old → new."""
    if not rows:
        return "изменений не найдено"
    table = [[str(r["received_at"]), r["author"] or "", r.get("class_code") or "", r.get("subject") or "",
              str(r.get("date") or r.get("period") or ""), r.get("student") or "",
              _describe(r["old"]), _describe(r["new"])] for r in rows]
    return _table(["когда", "кто", "класс", "предмет", "дата", "ученик", "было", "стало"], table)
