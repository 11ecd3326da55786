"""Placements in the learner's calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from enhance.accounts.models import User
from enhance.calendars.events import Event, register
from enhance.placements.models import Placement


@register("placements")
def placement_events(user: User, since: dt.date, until: dt.date | None) -> Iterable[Event]:
    placements = Placement.objects.filter(membership__person__user=user, ends_on__gte=since).select_related(
        "opportunity__organisation", "opportunity__site", "block"
    )
    if until is not None:
        placements = placements.filter(starts_on__lt=until)
    for p in placements:
        site = p.opportunity.site
        yield Event(
            uid=f"placement-{p.pk}",
            title=f"Placement: {p.opportunity.title}",
            start=p.starts_on,
            end=p.ends_on + dt.timedelta(days=1),
            location=f"{site.name}, {site.postcode}" if site else p.opportunity.organisation.name,
            description=(
                f"{p.block.name} with {p.opportunity.organisation.name}. {p.opportunity.days_and_sessions}"
            ),
            url=reverse("placements:placement_detail", args=[p.pk]),
        )
