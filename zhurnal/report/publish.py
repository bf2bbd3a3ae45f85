"""What ``publish``, ``fetch``, ``send`` and ``run`` say: counts, where things went, what failed."""

from __future__ import annotations

from zhurnal.report.backup import backup_text
from zhurnal.report.ingest import ingest_table
from zhurnal.report.status import health_lines
from zhurnal.text.i18n import N_, _


def publish_text(parts: dict) -> str:
    """Per week or period (``PublishOutcome.as_dict()``): counts, where, and what failed."""
    out = []
    week = parts.get("week")
    if week and week.get("never_issued"):
        out.append(_("Week {week}: the week's workbooks were never issued; nothing was published.").format(
            week=week["week"]))
    elif week and week.get("nothing_in"):
        out.append(_("Week {week}: no journal of the week is in yet; nothing was published.").format(week=week["week"]))
    elif week and not week["diaries"] and week.get("held"):
        out.append(_("Week {week}: nothing was published.").format(week=week["week"]))
    elif week:
        out.append(_("Week {week}: diaries {diaries}, mails to parents {mails} (unchanged, not sent: {unchanged}), "
                     "print bundles {bundles}, mails to teachers about errors {feedback}.").format(
            week=week["week"], diaries=week["diaries"], mails=week["mails"], unchanged=week["unchanged"],
            bundles=len(week["print_bundles"]), feedback=week["feedback_mails"]))
        if week.get("pupil_mails"):
            out.append(_("Pupils' own diaries mailed to them: {mails}.").format(mails=week["pupil_mails"]))
        out.append(_("Everything is in {folder}").format(folder=week["outbox"]))
    if week and not week.get("never_issued"):
        out += held_lines(week)
    period = parts.get("period")
    if period:
        out.append(_("Period {period}: report cards {cards}, mails to parents {mails}, print bundles {bundles}. "
                     "Everything is in {folder}").format(period=period["week"], cards=period["diaries"],
                                                         mails=period["mails"], bundles=len(period["print_bundles"]),
                                                         folder=period["outbox"]))
        out += waiting_lines(period)
    if parts.get("year_report"):
        out.append(_("The school year's report (movement, class sizes, results by pupil, attendance):"))
    for part in parts.values():
        if part.get("corrections") or part.get("superseded"):
            out.append(_("Of these, corrections of mail already received: {corrections}; replaced mails not yet "
                         "sent: {superseded}.").format(corrections=part["corrections"], superseded=part["superseded"]))
        out += [_("Summary: {path}").format(path=path) for path in part["summaries"]]
        out += [_("NOT MADE: {item}").format(item=item) for item in part["failed"]]
    return "\n".join(out)


def _journal(m: dict) -> str:
    group = f" ({m['subgroup']})" if m["subgroup"] else ""
    return _("{teacher}: {subject}{group}, {klass}, lessons missing {lessons}").format(
        teacher=m["teacher"] or _("no teacher in the load"), subject=m["subject"], group=group,
        klass=m["class_code"], lessons=m["lessons"])


def held_lines(week: dict) -> list[str]:
    """The classes a week's publish held, with the journals missing; those published anyway."""
    out = []
    for held in week.get("held", []):
        if held.get("in"):
            out.append(_("Class {klass} is held: its journals of the week are not all in "
                         "(publish --allow-incomplete publishes it anyway):").format(klass=held["class"]))
        else:
            out.append(_("Class {klass} is held: none of its journals of the week is in:").format(klass=held["class"]))
        out += ["  " + _journal(m) for m in held["missing"]]
    if week.get("incomplete"):
        out.append(_("Published with «не все отметки за неделю внесены»: {classes}").format(
            classes=", ".join(f"{i['class']} ({', '.join(sorted({m['subject'] for m in i['missing']}))})"
                              for i in week["incomplete"])))
    return out


def waiting_lines(period: dict) -> list[str]:
    """One line per class whose report cards wait for their period marks: how many, and why."""
    out = []
    for w in period.get("waiting_for_marks", []):
        if w["held"] == w["of"]:
            line = _("Class {klass}: report cards held back ({held} of {of}): no period mark for {period} "
                     "is stored for the class yet.")
        else:
            line = _("Class {klass}: report cards held back ({held} of {of}): these pupils have no period "
                     "mark for {period} stored yet.")
        out.append(line.format(klass=w["class"], held=w["held"], of=w["of"], period=period["week"]))
    return out


def fetch_text(report) -> str:
    """Workbooks taken from the mailbox, and the mail held for the sysadmin with the reason."""
    lines = [_("Mail: workbooks taken {taken}, held for the sysadmin {held}.")
             .format(taken=sum(len(t["files"]) for t in report.taken), held=len(report.held))]
    return "\n".join(lines + [f"  {h['sender']}: {h['reason']}" for h in report.held])


def send_line(report) -> str:
    """The one line of counts that ``send`` and ``run`` both print."""
    return _("Sent {sent}, sent before {skipped}, refused by the server {refused}, failed {failed}.").format(
        sent=len(report.sent), skipped=report.skipped, refused=len(report.refused), failed=len(report.failed))


def send_text(report) -> str:
    """:func:`send_line`, then each refused or failed message with the server's answer."""
    out = [send_line(report)]
    out += [f"  {msg_id}: {answer}" for msg_id, answer in {**report.refused, **report.failed, **report.uncertain,
                                                                 **report.held}.items()]
    out += ["  " + _("not sent (the send ledger has no such mail): {path}").format(path=path)
            for path in report.unknown]
    return "\n".join(out)


STEPS = {"fetch": N_("fetching mail"), "send": N_("sending mail"), "backup": N_("the backup")}
SKIPPED = {"fetch": lambda: _("fetch: [imap] host is not set in zhurnal.toml, skipped"),
           "send": lambda: _("send: [smtp] host is not set in zhurnal.toml, skipped")}


def run_text(report) -> str:
    """``zhurnal run``: each step's text in order, the steps skipped, the problems steps met."""
    out = [SKIPPED[step]() for step in report.skipped if step in SKIPPED]
    if report.fetch:
        out.append(fetch_text(report.fetch))
    if report.ingest:
        out.append(ingest_table(report.ingest))
    if report.publish:
        out.append(publish_text(report.publish.as_dict()))
    if report.send:
        out.append(send_line(report.send))
    if report.backup:
        out.append(backup_text(report.backup))
    out += health_lines(report.backup_health)
    out += [_("{step}: not done: {problem}").format(step=_(STEPS.get(step, step)), problem=problem.said())
            for step, problem in report.problems.items()]
    return "\n".join(out)
