"""The hand-in deadline of a week's journals (``[journal] hand_in_weekday``, ``hand_in_time``):
by default Saturday 12:00 of the week, in the school's time zone."""

from __future__ import annotations

import datetime as dt

from zhurnal.core.settings import Settings
from zhurnal.school.calendar import Week

WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def hand_in_deadline(settings: Settings, week: Week) -> dt.datetime:
    """The deadline of ``week`` as zhurnal keeps moments: UTC, naive (compare with ``ctx.now``)."""
    return local_deadline(settings, week).astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_deadline(settings: Settings, week: Week) -> dt.datetime:
    """The deadline of ``week`` in the school's time zone (aware)."""
    day = week.monday + dt.timedelta(days=settings.journal.hand_in_weekday - 1)
    hour, minute = (int(part) for part in settings.journal.hand_in_time.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=settings.school.zone)


def deadline_text(settings: Settings, week: Week) -> str:
    """«сб 28.11.2026 12:00», as a teacher reads it."""
    moment = local_deadline(settings, week)
    return f"{WEEKDAYS_SHORT[moment.weekday()]} {moment:%d.%m.%Y %H:%M}"
