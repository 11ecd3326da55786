"""Teaching sessions in learners' and facilitators' calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.calendars.events import Event, register
from enhance.teaching.access import sessions_for_learner, sessions_for_staff
from enhance.teaching.models import LeaveRequest, Session


@register("teaching")
def session_events(user: User, since: dt.date, until: dt.date | None) -> Iterable[Event]:
    sessions = (
        Session.objects.filter(
            Q(pk__in=sessions_for_learner(user).values("pk"))
            | Q(pk__in=sessions_for_staff(user).values("pk")),
            ends_at__gte=timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
        )
        .distinct()
        .select_related("venue")
    )
    if until is not None:
        sessions = sessions.filter(starts_at__lt=timezone.make_aware(dt.datetime.combine(until, dt.time.min)))
    for s in sessions:
        where = f"{s.venue.name}, {s.venue.postcode}" if s.venue else ""
        if s.mode != s.Mode.IN_PERSON:
            where = f"{where} (online too)" if where else "Online"
        yield Event(
            uid=f"session-{s.pk}",
            title=f"{'CANCELLED: ' if s.cancelled else ''}enhance: {s.title}",
            start=s.starts_at,
            end=s.ends_at,
            location=where,
            url=reverse("teaching:session_detail", args=[s.pk]),
            cancelled=s.cancelled,
            updated=s.updated_at,
        )


@register("study_leave")
def leave_events(user: User, since: dt.date, until: dt.date | None) -> Iterable[Event]:
    approved = LeaveRequest.objects.filter(
        membership__person__user=user, status=LeaveRequest.Status.APPROVED, ends_on__gte=since
    ).select_related("session")
    if until is not None:
        approved = approved.filter(starts_on__lt=until)
    for leave in approved:
        yield Event(
            uid=f"leave-{leave.pk}",
            title=f"Study leave{f': {leave.session.title}' if leave.session else ''}",
            start=leave.starts_on,
            end=leave.ends_on + dt.timedelta(days=1),
            description=leave.reason,
            url=reverse("teaching:leave"),
        )
