"""Date arithmetic the programme's rules share: whole months, years, the August changeover
that starts training and study-leave years, and working days."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

D = TypeVar("D", dt.date, dt.datetime)

CHANGEOVER_MONTH = 8  # training and study-leave years run from the August changeover


def add_months(day: D, months: int) -> D:
    """The same day `months` later (or earlier, if negative); days past the 28th become the
    28th, so the answer exists in every month. Times of day are kept."""
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1, day=min(day.day, 28))


def plus_year(day: dt.date) -> dt.date:
    """The same date a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def changeover_year_start(day: dt.date) -> dt.date:
    """The first day of the training year (from 1 August) that `day` falls in."""
    start = dt.date(day.year, CHANGEOVER_MONTH, 1)
    return start if day >= start else dt.date(day.year - 1, CHANGEOVER_MONTH, 1)


def training_year_label(day: dt.date) -> str:
    """The training year as people write it: 2026/27 runs from August 2026 to July 2027."""
    start = changeover_year_start(day).year
    return f"{start}/{str(start + 1)[-2:]}"


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday to Friday days from `start` to `end`, both included."""
    days = (end - start).days + 1
    return sum(1 for n in range(days) if (start + dt.timedelta(days=n)).weekday() < 5)


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date `n` working days (Monday to Friday) before `day`."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day
