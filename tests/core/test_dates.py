"""Shared date arithmetic."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from enhance.core.dates import add_months, changeover_year_start, plus_year, training_year_label, working_days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),
        (dt.date(2026, 3, 10), -3, dt.date(2025, 12, 10)),
        (dt.date(2026, 8, 5), 0, dt.date(2026, 8, 5)),
    ],
)
def test_add_months_lands_on_a_day_every_month_has(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_keeps_the_time_of_day():
    london = ZoneInfo("Europe/London")
    start = dt.datetime(2026, 10, 14, 13, 30, tzinfo=london)
    assert add_months(start, 1) == dt.datetime(2026, 11, 14, 13, 30, tzinfo=london)


def test_a_year_after_29_february_is_28_february():
    assert plus_year(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert plus_year(dt.date(2026, 8, 5)) == dt.date(2027, 8, 5)


@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        (dt.date(2026, 7, 31), dt.date(2025, 8, 1), "2025/26"),
        (dt.date(2026, 8, 1), dt.date(2026, 8, 1), "2026/27"),
        (dt.date(2027, 1, 5), dt.date(2026, 8, 1), "2026/27"),
    ],
)
def test_the_training_year_turns_at_the_august_changeover(day, start, label):
    assert changeover_year_start(day) == start
    assert training_year_label(day) == label


def test_working_days_count_monday_to_friday_inclusive():
    assert working_days(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == 5  # Monday to Sunday
    assert working_days(dt.date(2026, 11, 28), dt.date(2026, 11, 29)) == 0  # a weekend
    assert working_days(dt.date(2026, 11, 25), dt.date(2026, 11, 25)) == 1
