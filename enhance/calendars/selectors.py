"""Reads for the calendar page: the person's events in a window of four weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from enhance.accounts.models import User
from enhance.calendars.events import Event, events_for

WINDOW = dt.timedelta(days=28)


def events_in_window(user: User, first: dt.date) -> list[Event]:
    """The person's events touching the four weeks from `first`, in order: what has begun
    and is still going on (a placement), then what starts in the window."""
    return [e for e in events_for(user, since=first, until=first + WINDOW) if e.end_date() >= first]


def window(first: dt.date) -> dict[str, Any]:
    """The window's first and last days, and where the earlier and later windows start."""
    last = first + WINDOW - dt.timedelta(days=1)
    return {"first": first, "last": last, "earlier": first - WINDOW, "later": first + WINDOW}
