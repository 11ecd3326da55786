"""Reads for the calendar page: the person's events from today on."""

from __future__ import annotations

from django.utils import timezone

from enhance.accounts.models import User
from enhance.calendars.events import Event, events_for


def upcoming_events_for(user: User) -> list[Event]:
    today = timezone.localdate()
    return [e for e in events_for(user, since=today) if e.end_date() >= today]
