from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as ICalEvent

from enhance.accounts.models import User
from enhance.calendars.events import Event
from enhance.calendars.models import FeedToken, new_token


def feed_token_for(user: User) -> FeedToken:
    token, _ = FeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_reset(*, actor: User) -> FeedToken:
    token = feed_token_for(actor)
    token.token = new_token()
    token.save()
    return token


def to_ical(events: list[Event], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//enhance//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for e in events:
        item = ICalEvent()
        item.add("uid", f"{e.uid}@enhance")
        item.add("summary", e.title)
        item.add("dtstamp", now)
        item.add("dtstart", e.start)
        item.add("dtend", e.end)
        if e.location:
            item.add("location", e.location)
        if e.description:
            item.add("description", e.description)
        if e.url:
            item.add("url", f"{settings.SITE_URL}{e.url}")
        if e.updated:
            item.add("last-modified", e.updated)
            # Calendar apps replace an event when its sequence grows: seconds since 2020 do.
            item.add("sequence", int((e.updated - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds()))
        item.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        cal.add_component(item)
    return cal.to_ical()
