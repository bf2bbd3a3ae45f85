"""What ``zhurnal district run`` and ``zhurnal district status`` say."""

from __future__ import annotations

from zhurnal.text.i18n import _

STATES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")


def deferred_text(done) -> str:
    """``done``: :class:`zhurnal.district.status.Deferred`."""
    queued = sum(1 for job in done.jobs.values() if job is not None)
    out = [_("week {week}: queued for {count} schools").format(week=done.week, count=queued)]
    waiting = sorted(code for code, job in done.jobs.items() if job is None)
    if waiting:
        out.append(_("already waiting in the queue: {schools}").format(schools=", ".join(waiting)))
    return "\n".join(out)


def _state(name: str) -> str:
    return {"todo": _("waiting"), "doing": _("running"), "succeeded": _("done"), "failed": _("failed"),
            "cancelled": _("cancelled"), "aborted": _("aborted")}.get(name, name)


def _step(name: str) -> str:
    return {"ingest": _("intake"), "render": _("rendering"), "publish": _("publishing"), "send": _("sending"),
            "backup": _("backup")}.get(name, name)


def status_text(found) -> str:
    """``found``: :class:`zhurnal.district.status.QueueStatus`."""
    if not found.states:
        return _("the queue holds no jobs of the week")
    out = [_("jobs by school:")]
    for school, states in sorted(found.states.items()):
        shown = ", ".join(f"{_state(state)} {states[state]}" for state in STATES if states.get(state))
        out.append(f"  {school}: {shown}")
    if found.slowest:
        out.append(_("the slowest:"))
        out += [f"  {row['school']} {_step(row['step'])} №{row['job']}: " + _("{seconds} s").format(
            seconds=str(row["seconds"]).replace(".", ",")) for row in found.slowest]
    if found.failed:
        out.append(_("failed:"))
        out += [f"  {row['school']} {_step(row['step'])} №{row['job']}: {row['reason'] or _('reason unknown')}"
                for row in found.failed]
    return "\n".join(out)
