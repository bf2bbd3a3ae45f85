"""What ``backup``, ``restore`` and the ``db`` commands say."""

from __future__ import annotations

from zhurnal.backup.health import MESSAGES
from zhurnal.text.i18n import _


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}"


def backup_text(result) -> str:
    """A new backup (``BackupResult``): its size and check, then each destination's copy."""
    out = [_("Backup {id}: files {files}, {mb} MB, checked {how}, {seconds} s").format(
        id=result.id, files=result.files, mb=_mb(result.plain_bytes), seconds=result.seconds,
        how=_("by decrypting") if result.verification == "full" else _("by checksums"))]
    for copy in result.copies:
        line = _("{destination}: {state}; new archive files {new}, already there {reused}, written {mb} MB").format(
            destination=copy.destination, state=_("verified") if copy.ok else _("ERROR"), new=copy.new_objects,
            reused=copy.reused_objects, mb=_mb(copy.bytes_written))
        if copy.repaired_objects:
            line += _(", rotten archive files written again {n}").format(n=copy.repaired_objects)
        if copy.removed:
            line += _(", old copies removed: {ids}").format(ids=", ".join(copy.removed))
        out.append("  " + line)
        out += [f"    {p['file'] or p['destination']}: {p['problem']}" for p in copy.problems]
    out += [_("WARNING: {text}").format(text=MESSAGES[code]) for code in result.warnings]
    return "\n".join(out)


def check_text(report) -> str:
    """``backup --check`` (``CheckReport``): copies checked, and each problem found."""
    out = [_("Copies checked: {checked}, with errors: {bad}").format(
        checked=len(report.checked), bad=sum(1 for c in report.checked if not c["ok"]))]
    return "\n".join(out + [f"  {p.destination}: {p.file or '—'}: {p.problem}" for p in report.problems])


def restore_text(result) -> str:
    """``restore`` (``RestoreResult``): the copy restored, what each destination gave, what no
    destination had whole."""
    out = [_("Restored the copy {snapshot} of {created} into {folder}: files {files}, rows in the store {rows}").format(
        snapshot=result.snapshot, created=result.created, folder=result.workspace, files=result.files,
        rows=sum(result.counts.values()))]
    for source in result.sources:
        out.append("  " + (_("{destination}: not there").format(destination=source["destination"]) if source["absent"]
                           else _("{destination}: files taken {n}").format(destination=source["destination"],
                                                                           n=source["files"])))
    if result.passed_over:
        out.append(_("Newer copies whose store was damaged everywhere: {ids}").format(ids=", ".join(result.passed_over)))
    if result.missing:
        out.append(_("Damaged at every destination, not restored ({n}):").format(n=len(result.missing)))
        out += [f"  {name}" for name in result.missing]
    return "\n".join(out)


def upgrade_text(done) -> str:
    change = (_("schema {before} → {after}").format(before=done.before or "—", after=done.after)
              if done.before != done.after else _("schema already at {revision}").format(revision=done.after))
    return f"{done.store}: {change}"


def copy_text(done) -> str:
    result = done.result
    out = [_("school {code} copied into {url} (id {id} there): {rows} rows in {tables} tables, "
             "counts and digests equal").format(code=result.code, url=done.target, id=result.school_id,
                                               rows=sum(result.counts.values()), tables=len(result.counts))]
    if result.remapped:
        out.append(_("ids taken there, given new ones: {tables}").format(tables=", ".join(result.remapped)))
    if result.reissue:
        out.append(_("students have new ids: issue this week's workbooks again from the new store"))
    return "\n".join(out)


def grant_text(done) -> str:
    return _("role {role} reads and writes the rows of school {code} (id {id}) only").format(
        role=done.role, code=done.code, id=done.school_id)
