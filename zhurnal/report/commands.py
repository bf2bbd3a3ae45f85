"""The short answers of the commands that change one thing: init, periods, the year, access, keys."""

from __future__ import annotations

from zhurnal.text.i18n import _

PROGRESS = {"diaries": lambda: _("Diaries"), "report cards": lambda: _("Report cards"), "mail": lambda: _("Mail")}


def progress_label(what: str) -> str:
    return PROGRESS[what]() if what in PROGRESS else what


def init_text(done) -> str:
    out = [_("created {path}").format(path=path) for path in done.made] or \
        [_("{folder} is already a workspace").format(folder=done.folder)]
    return "\n".join(out + [_("made owner-only: {path}").format(path=path) for path in done.fixed])


def period_text(code: str, closed: bool, changed: bool) -> str:
    if changed:
        return (_("{code}: closed") if closed else _("{code}: open")).format(code=code)
    return (_("{code} was already closed") if closed else _("{code} was already open")).format(code=code)


def year_closed_text(report) -> str:
    """``year close``: the archive, its snapshot digest, and the classes with no grade-10 marks."""
    if report.already_closed:
        return _("{year} was already closed; the archive is in {folder}").format(year=report.year, folder=report.folder)
    out = [_("{year}: closed").format(year=report.year),
           _("Archive: {folder} ({count} files, listed in manifest.json)").format(folder=report.folder,
                                                                                  count=len(report.files)),
           _("Store snapshot sha256: {digest}").format(digest=report.snapshot)]
    cards = report.year_cards
    if cards is not None:
        out.append(_("Year report cards: {cards}; letters to families queued: {mails} (unchanged, not sent again: "
                     "{unchanged}); print bundles: {bundles} in {folder}").format(
            cards=cards.diaries, mails=cards.mails, unchanged=cards.unchanged, bundles=len(cards.print_bundles),
            folder=cards.outbox))
        out += [_("Warning: {message}").format(message=line) for line in cards.failed]
    out += [_("Warning: {count} pupils of {cls} have no grade-10 marks, so their final marks come from "
              "grade 11 alone (type them into zhurnal templates prior-marks)").format(count=count, cls=code)
            for code, count in report.without_grade_10.items()]
    out += [_("Warning: {message}").format(message=f.message) for f in report.findings]
    return "\n".join(out)


def year_reopened_text(label: str | None, asked: str) -> str:
    return _("{year}: open").format(year=label) if label else _("{year} was already open").format(year=asked)


def slips_text(done) -> str:
    return "\n".join(_("{path}: {count} slips").format(path=path, count=count) for path, count in done.made)


def reset_text(done) -> str:
    return _("A new password for parent {id}: print their slip with 'zhurnal access slips --class …'.").format(
        id=done.parent_id)


def keys_text(ids: list[str]) -> str:
    return "\n".join(f"{key}  ({_('signs new templates')})" if n == len(ids) else key for n, key in enumerate(ids, 1))


def rotated_text(key: str) -> str:
    return _("New signing key {key}; the old keys are kept to verify templates already handed out. "
             "Make a backup: zhurnal backup").format(key=key)


def keys_restored_text(restored: list[str]) -> str:
    return _("Keys restored: {n}").format(n=len(restored)) + "".join(f"\n  {k}" for k in restored)


def backup_key_text(file: str, recipient: str) -> str:
    return (_("The private key is written to {file}: keep it off this computer.").format(file=file) + "\n"
            + _("Add to zhurnal.toml, section [backup]:") + f' recipients = ["{recipient}"]')


def delivery_text(report) -> str:
    """``templates week`` (period, plan, year): the files written, then where they went."""
    written = sum(len(names) for names in report.written.values())
    out = [str(p) for p in report.paths]
    out.append(_("Teachers' folders: {written} workbooks written, {same} already there; "
                 "{mailed} teachers mailed").format(written=written, same=report.unchanged,
                                                    mailed=len(report.mailed)))
    out += [_("No teacher in the setup for «{name}»: the workbook stays in templates_xlsx/ only").format(name=name)
            for name in report.no_teacher]
    out += [_("{name} has no e-mail address in the setup: the workbooks are only in their folder").format(name=name)
            for name in report.no_address]
    return "\n".join(out)


def remind_text(report) -> str:
    """``remind``: before the deadline one line; after it, who is late, reminded now or before."""
    if not report.due:
        return _("The hand-in deadline of {week} has not come yet ({deadline}, the school's clock): "
                 "nobody reminded").format(week=report.week, deadline=report.deadline_text)
    if report.never_issued:
        return _("{week}: the week's workbooks were never issued: nobody reminded").format(week=report.week)
    if not report.late:
        return _("{week}: every timetabled teacher's journal is accepted").format(week=report.week)
    out = [_("{week}: journals not accepted: {count}").format(week=report.week, count=len(report.late))]
    if report.mail_off:
        out.append(_("[smtp] has no host: nobody was reminded"))
    out += [_("reminded now: {name}").format(name=name) for name in report.reminded]
    out += [_("reminded before: {name}").format(name=name) for name in report.before]
    out += [_("no e-mail address in the setup, not reminded: {name}").format(name=name)
            for name in report.no_address]
    return "\n".join(out)
