"""The calendar's extension point. Each area registers a provider that lists a person's
events (teaching, placements, leave, deadlines); the feed and the calendar page merge them
without knowing where they come from.

An event's uid must be stable for the same real-world thing (e.g. "placement-12"), so that
calendar apps update it in place when it moves or is cancelled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from enhance.accounts.models import User


@dataclass(frozen=True)
class Event:
    uid: str
    title: str
    start: dt.date | dt.datetime  # a date for all-day events
    end: dt.date | dt.datetime  # exclusive for all-day events, as in iCalendar
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    updated: dt.datetime | None = None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    def end_date(self) -> dt.date:
        """The last local day the event touches."""
        if isinstance(self.end, dt.datetime):
            from django.utils import timezone

            return timezone.localdate(self.end)
        return self.end - dt.timedelta(days=1)

    def sort_key(self) -> dt.datetime:
        if isinstance(self.start, dt.datetime):
            return self.start
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.UTC)


# A provider lists the person's events that end on or after a day and, when a second day is
# given, start before it (the window), filtering in the database, so a feed or a page stays
# small however long someone has been in the programme and however many sessions they see.
Provider = Callable[[User, dt.date, dt.date | None], Iterable[Event]]
FEED_HISTORY = dt.timedelta(days=365)
_PROVIDERS: dict[str, Provider] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    """Decorator: register a function that returns a user's events. Each provider must cost a
    fixed number of queries, whatever the number of events."""

    def add(func: Provider) -> Provider:
        _PROVIDERS[name] = func
        return func

    return add


def events_for(user: User, since: dt.date | None = None, until: dt.date | None = None) -> list[Event]:
    """The person's events ending on or after `since` (by default, from a year ago: the past
    twelve months) and starting before `until` (by default, everything ahead)."""
    if since is None:
        from django.utils import timezone

        since = timezone.localdate() - FEED_HISTORY
    events = [event for provider in _PROVIDERS.values() for event in provider(user, since, until)]
    return sorted(events, key=Event.sort_key)
