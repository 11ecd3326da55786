"""Project milestones in learners' calendars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from enhance.accounts.models import User
from enhance.calendars.events import Event, register
from enhance.projects.models import Milestone


@register("project_milestones")
def milestone_events(user: User, since: dt.date, until: dt.date | None) -> Iterable[Event]:
    milestones = (
        Milestone.objects.filter(
            Q(project__lead__person__user=user) | Q(project__co_learners__person__user=user),
            due_on__gte=since,
        )
        .distinct()
        .select_related("project")
    )
    if until is not None:
        milestones = milestones.filter(due_on__lt=until)
    for m in milestones:
        yield Event(
            uid=f"milestone-{m.pk}",
            title=f"{'Done: ' if m.completed_on else 'Due: '}{m.name} ({m.project.title})",
            start=m.due_on,
            end=m.due_on + dt.timedelta(days=1),
            url=reverse("projects:project", args=[m.project_id]),
        )
