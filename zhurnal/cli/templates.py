"""``zhurnal templates …``: blank or prefilled workbooks to hand out, written to templates_xlsx/."""

from __future__ import annotations

import click

from zhurnal.batch import deliver, issue
from zhurnal.batch.workspace import open_workspace
from zhurnal.cli.base import WEEK, Group, folder, say
from zhurnal.report.commands import delivery_text
from zhurnal.report.table import paths_text
from zhurnal.text.i18n import N_

TEACHER = N_("Only this teacher's workbook (full name).")


@click.group(cls=Group)
def templates() -> None:
    """Write blank or prefilled workbooks to templates_xlsx/."""


@templates.command("setup")
@click.pass_context
def templates_setup(ctx: click.Context) -> None:
    """The school setup workbook (prefilled with the current setup, or with the federal defaults
    of the current school year when there is none yet)."""
    say(paths_text([issue.issue_setup(open_workspace(folder(ctx)), defaults=True)]))


@templates.command("roster")
@click.option("--class", "class_code", default=None, help=N_("One class, e.g. 7А (default: all)."))
@click.pass_context
def templates_roster(ctx: click.Context, class_code: str | None) -> None:
    """Class rosters (prefilled with the students and parents the store holds)."""
    say(paths_text(issue.issue_rosters(open_workspace(folder(ctx)), class_code)))


@templates.command("week")
@click.argument("week", type=WEEK)
@click.option("--teacher", default=None, help=N_("Only this teacher's workbooks (full name)."))
@click.pass_context
def templates_week(ctx: click.Context, week, teacher: str | None) -> None:
    """Journals and attendance registers for WEEK (2026-W48 or any date in it), also put into each
    teacher's folder outbox/teachers/<login>/ and mailed when [smtp] is set."""
    say(delivery_text(deliver.hand_out_week(open_workspace(folder(ctx)), week, teacher=teacher)))


@templates.command("period")
@click.argument("period")
@click.option("--teacher", default=None, help=TEACHER)
@click.pass_context
def templates_period(ctx: click.Context, period: str, teacher: str | None) -> None:
    """Period-mark workbooks for PERIOD (Q2, H1, …) with averages and suggested marks."""
    say(delivery_text(deliver.hand_out_period(open_workspace(folder(ctx)), period, teacher=teacher)))


@templates.command("year")
@click.option("--teacher", default=None, help=TEACHER)
@click.pass_context
def templates_year(ctx: click.Context, teacher: str | None) -> None:
    """Year-mark workbooks: term marks, the computed year mark to confirm, exams of grades 9 and 11."""
    say(delivery_text(deliver.hand_out_year(open_workspace(folder(ctx)), teacher=teacher)))


@templates.command("prior-marks")
@click.option("--grade", default="10", show_default=True,
              type=click.Choice(["5-8", *(str(g) for g in range(1, 12))]),
              help=N_("The grade the marks were set in; 5-8: the year marks of subjects finished there, "
                      "for the grade-9 attestat."))
@click.pass_context
def templates_prior_marks(ctx: click.Context, grade: str) -> None:
    """Workbooks for marks of an earlier year kept outside zhurnal (grade 10's for grade 11's finals)."""
    say(paths_text(issue.issue_prior_marks(open_workspace(folder(ctx)), grade=grade if grade == "5-8" else int(grade))))


@templates.command("plan")
@click.option("--teacher", default=None, help=N_("Only this teacher's plans (full name)."))
@click.pass_context
def templates_plan(ctx: click.Context, teacher: str | None) -> None:
    """Calendar-thematic plans (КТП), one per teacher × class × subject × subgroup."""
    say(delivery_text(deliver.hand_out_plans(open_workspace(folder(ctx)), teacher=teacher)))


@templates.command("extracurricular")
@click.option("--teacher", default=None, help=N_("This teacher's journal, also a first one (full name); default: "
                                                 "every teacher who keeps a group."))
@click.pass_context
def templates_extracurricular(ctx: click.Context, teacher: str | None) -> None:
    """Extracurricular journals (внеурочная деятельность): groups, pupils, sessions, absences."""
    say(paths_text(issue.issue_extracurricular(open_workspace(folder(ctx)), teacher=teacher)))
