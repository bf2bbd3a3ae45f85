"""The ``zhurnal status`` screen and the backup lines it shares with the end of ``run``."""

from __future__ import annotations

import datetime as dt

from zhurnal.backup.health import warning_lines
from zhurnal.batch.due import STEP_NAMES
from zhurnal.batch.status import Status
from zhurnal.core.errors import StoreDamaged
from zhurnal.report.table import kind_title, status_label, table
from zhurnal.text.i18n import N_, _, ngettext
from zhurnal.text.labels import HeldReason

# what the store holds, in the words of the people who filled it (table names stay internal)
STORE_COUNTS = (
    ("classes", N_("classes")), ("students", N_("students")), ("teachers", N_("teachers")),
    ("subjects", N_("subjects")), ("lessons", N_("lessons recorded")),
    ("journal_entries", N_("marks and attendance notes")), ("absences", N_("days with absences")),
    ("period_marks", N_("period marks")), ("plan_items", N_("planned lessons (КТП)")),
    ("submissions", N_("workbooks received")), ("revisions", N_("changes recorded")),
)


def status_text(status: Status) -> str:
    """What the school's journal holds, in people's terms."""
    out = [_("School: {name}").format(name=status.school), _("Store: {url}").format(url=status.store_url)]
    if not status.ok:
        out.append(_("WARNING: {text}").format(text=StoreDamaged(
            status.store_url, status.store_health["problems"], status.store_health["not_a_database"],
            backup=status.backup.get("newest") is not None).said()))
        out += ["", _("Waiting in inbox/: {n}").format(n=len(status.inbox))] + [f"  {n}" for n in status.inbox]
        return "\n".join(out + health_lines(status.backup))
    if status.store_health.get("checked"):
        out.append(_("Store check: whole ({ms} ms)").format(ms=round(status.store_health["ms"])))
    if status.year:
        out.append((_("School year {year}: closed") if status.year_closed else _("School year {year}: open"))
                   .format(year=status.year))
    if status.closed_periods:
        out.append(_("Closed periods: {periods}").format(periods=", ".join(status.closed_periods)))
    out.append("")
    out.append(table([_("what"), _("how many")],
                     [[_(label), str(status.counts.get(name, 0))] for name, label in STORE_COUNTS]))
    out += ["", _("Waiting in inbox/: {n}").format(n=len(status.inbox))] + [f"  {n}" for n in status.inbox]
    out += ["", _("Latest workbooks received:")]
    out.append(table(["№", _("file"), _("kind"), _("author"), _("outcome"), _("received")],
                     [[str(r["id"]), r["file"], kind_title(r["kind"]), r["author"] or "",
                       status_label(r["status"]), r["received_at"]] for r in status.recent]))
    if status.rejected:
        out += ["", _("Rejected:")]
        out += [f"  {r['file']} ({r['author'] or '—'}): {', '.join(r['errors'])}" for r in status.rejected]
    if status.corrected:
        out += ["", _("Rejected, then corrected:")]
        out += ["  " + _("{file} ({author}): corrected {at} by «{by}»").format(
            file=r["file"], author=r["author"] or "—", at=r["corrected_at"], by=r["corrected_by"])
            for r in status.corrected]
    if status.loose_modes:
        out += ["", _("Other users of this computer may read or change {count} files and folders of the "
                      "workspace (pupils, parents, passwords): run «zhurnal init --fix-modes».")
                .format(count=len(status.loose_modes))]
        out += [f"  {path}" for path in status.loose_modes[:10]] + (["  …"] if len(status.loose_modes) > 10 else [])
    if status.recommend_author_folders:
        out += ["", _("Teachers' workbooks are taken from the top inbox/ too, where anyone may put one in "
                      "a teacher's name: set author_folders_only = true in [ingest] of zhurnal.toml.")]
    if status.held_mail:
        out += ["", _("Mail held for the sysadmin (in the held folder of the mailbox):")]
        out += [f"  {m['received_at']} {m['sender']}: {HeldReason.label_of(m['reason'])}"
                for m in status.held_mail]
    out += roster_lines(status)
    out += health_lines(status.backup)
    out += next_lines(status.schedule)
    return "\n".join(out)


def roster_lines(status: Status) -> list[str]:
    """The classes whose roster was not confirmed in time, with their class teachers."""
    if not status.stale_rosters:
        return []
    out = ["", ngettext("Class rosters not confirmed for more than {n} day (the class teacher hands the "
                        "roster in, changed or not):",
                        "Class rosters not confirmed for more than {n} days (the class teacher hands the "
                        "roster in, changed or not):", status.confirm_every_days).format(n=status.confirm_every_days)]
    for row in status.stale_rosters:
        when = (_("never confirmed") if row["confirmed_at"] is None else
                ngettext("confirmed {at}, {n} day ago", "confirmed {at}, {n} days ago", row["age_days"])
                .format(at=f"{dt.date.fromisoformat(row['confirmed_at'][:10]):%d.%m.%Y}", n=row["age_days"]))
        out.append(f"  {row['class_code']} ({row['class_teacher'] or '—'}): {when}")
    return out


def health_lines(figures: dict) -> list[str]:
    """The newest verified backup and the 14-day rule's warnings (``BackupHealth.as_dict()``)."""
    out = [""]
    if figures.get("newest"):
        places = figures["destinations"]
        out.append(_("Backup: {at} ({days} days ago), verified").format(at=figures["newest_at"], days=figures["age_days"])
                   + " " + ngettext("at {n} place", "at {n} places", places).format(n=places))
    out += [_("WARNING: {text}").format(text=line) for line in warning_lines(figures)]
    return out if len(out) > 1 else []


def next_lines(schedule: list[dict]) -> list[str]:
    """Status: what the schedule does next and when (the school's clock)."""
    if not schedule:
        return []
    out = ["", _("Next scheduled steps (zhurnal run, the school's clock):")]
    for item in schedule:
        week = f" {item['week']}" if item["week"] else ""
        state = _("done") if item["done"] else _("now") if item["at"] == "now" else item["at"]
        out.append(f"  {_(STEP_NAMES.get(item['step'], item['step']))}{week}: {state}")
    return out

