"""What ``ingest`` and ``validate`` say: one line per file, then the findings with their cells."""

from __future__ import annotations

from zhurnal.ingest.pipeline import IngestReport
from zhurnal.report.table import STATUSES, kind_title, severity_label, status_label, table
from zhurnal.text.i18n import _


def findings_table(findings) -> str:
    """Sheet, cell, severity in words, the message, the finding's code last («Код»)."""
    return table([_("sheet"), _("cell"), _("what"), _("message"), _("Code")],
                 [[f.sheet or "", f.cell or "", severity_label(f.severity.value), f.message, f.code]
                  for f in findings])


def ingest_table(report: IngestReport) -> str:
    """One line per file, then each file's findings (a table), where its feedback went, the totals."""
    rows = [[f.name, status_label(f.status), kind_title(f.kind), f.author or "", str(f.changes),
             str(sum(1 for x in f.findings if x.is_error))] for f in report.files]
    out = [table([_("file"), _("outcome"), _("kind"), _("author"), _("changes"), _("errors")], rows)]
    for item in report.files:
        if item.findings:
            out += ["", _("{file}:").format(file=item.name), findings_table(item.findings)]
        if item.feedback:
            out.append(_("{file}: feedback workbook → {path}").format(file=item.name, path=item.feedback))
    counts = {s: sum(1 for f in report.files if f.status == s) for s in STATUSES}
    out.append(_("total: {counts}").format(counts=", ".join(f"{status_label(s)} {n}" for s, n in counts.items() if n)
                                           or "0")
               + (" " + _("(a dry run: nothing was changed)") if report.dry_run else ""))
    if not report.files:
        out.append(_("no files in inbox/"))
    return "\n".join(out)


def validate_text(result) -> str:
    """``zhurnal validate FILE``: what ingest would do with the file, then its findings as a table."""
    verdict = {"accepted": _("would be accepted ({n} changes)").format(n=result.changes),
               "rejected": _("would be REJECTED"), "duplicate": _("already received (nothing would change)")}
    out = [f"{result.name}: {verdict.get(result.status, status_label(result.status))}"
           + (f" — {kind_title(result.kind)}, {result.author}" if result.kind else "")]
    if result.findings:
        out.append(findings_table(result.findings))
    return "\n".join(out)
