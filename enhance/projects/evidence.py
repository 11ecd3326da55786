"""Evidence the projects area gives to ARCP requirements: milestones done on time."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from enhance.core.evidence import Counted, Window, rule_kind
from enhance.projects.models import Milestone


@rule_kind("project_milestones", "Project milestones done by their due date", "project milestones")
def count_milestones(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    out = {m.pk: Counted(0) for m in memberships}
    ids = [m.pk for m in memberships]
    done = (
        Milestone.objects.filter(
            Q(project__lead__in=ids) | Q(project__co_learners__in=ids), completed_on__isnull=False
        )
        .select_related("project")
        .prefetch_related("project__co_learners")
        .distinct()
    )
    for milestone in done:
        members = {milestone.project.lead_id} | {c.pk for c in milestone.project.co_learners.all()}
        done_on = milestone.completed_on
        if done_on is None or done_on > milestone.due_on:
            continue
        for mid in members & set(out):
            if windows[mid].holds(done_on):
                out[mid].count += 1
                out[mid].evidence.append(f"{milestone.name} ({milestone.project.title})")
    return out
