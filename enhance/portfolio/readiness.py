"""Each learner's readiness kept in the database (`Readiness`), so lists sort and filter across
every learner. Any change to evidence a rule counts marks the learners it touches stale; the
readiness list recomputes the stale (and yesterday's) before it reads, and a nightly job keeps
every active learner current as sessions pass and training years turn."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from enhance.core.stale import mark_on_change
from enhance.placements.models import ClinicEntry
from enhance.portfolio import requirements
from enhance.portfolio.models import Assessment, Readiness, Reflection, RequirementSet, Rule
from enhance.programmes.models import Membership, Pause, Programme
from enhance.projects.models import Milestone
from enhance.teaching.models import Attendance, LeaveRequest, Session

CHUNK = 500


def store(memberships: list[Membership], today: dt.date) -> int:
    """Compute and keep the readiness of these memberships (one batch of queries)."""
    rows = [
        Readiness(
            membership_id=p.membership.pk,
            rag=p.rag,
            rank=Readiness.RANK[p.rag],
            met=sum(1 for r in p.rules if r.met),
            rules=len(p.rules),
            year=p.year,
            stale=False,
            computed_on=today,
        )
        for p in requirements.progress_many(memberships, today)
    ]
    Readiness.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["membership"],
        update_fields=["rag", "rank", "met", "rules", "year", "stale", "computed_on"],
    )
    return len(rows)


def refresh(memberships: QuerySet[Membership], today: dt.date | None = None) -> int:
    """Recompute those of `memberships` with nothing kept, marked stale, or computed before
    today, in chunks. Returns how many were recomputed."""
    today = today or timezone.localdate()
    due = memberships.filter(
        Q(readiness__isnull=True) | Q(readiness__stale=True) | Q(readiness__computed_on__lt=today)
    ).order_by("pk")
    done = last = 0
    while chunk := list(due.filter(pk__gt=last)[:CHUNK]):
        done += store(chunk, today)
        last = chunk[-1].pk
    return done


def red_before_arcp(
    memberships: QuerySet[Membership], today: dt.date, within: dt.timedelta
) -> QuerySet[Membership]:
    """Of these memberships, the active ones whose ARCP falls within `within` of today and who
    are red (their readiness brought up to date first), soonest ARCP first."""
    soon = memberships.filter(
        status=Membership.Status.ACTIVE, arcp_date__gte=today, arcp_date__lte=today + within
    )
    refresh(soon, today)
    return soon.filter(readiness__rag="red").order_by(
        "arcp_date", "person__surname", "person__forename", "pk"
    )


def refresh_all(today: dt.date | None = None) -> int:
    return refresh(Membership.objects.filter(status=Membership.Status.ACTIVE), today)


# --- What makes a learner's readiness stale -------------------------------------------------------


def _mark(q: Q) -> None:
    Readiness.objects.filter(q).update(stale=True)


STALE_WHEN: dict[type, Any] = {
    Attendance: lambda a: Q(membership_id=a.membership_id),
    LeaveRequest: lambda r: Q(membership_id=r.membership_id),
    Pause: lambda p: Q(membership_id=p.membership_id),
    Membership: lambda m: Q(membership_id=m.pk),
    ClinicEntry: lambda c: Q(membership__placements=c.placement_id),
    Reflection: lambda r: Q(membership__person_id=r.person_id),
    Assessment: lambda a: Q(membership__person_id=a.person_id),
    Milestone: lambda m: (
        Q(membership__led_projects=m.project_id) | Q(membership__joined_projects=m.project_id)
    ),
    Session: lambda s: Q(membership__programme_id=s.programme_id),
    RequirementSet: lambda s: Q(membership__programme_id=s.programme_id),
    Rule: lambda r: Q(membership__programme__requirement_sets=r.requirement_set_id),
    Programme: lambda p: Q(membership__programme_id=p.pk),
}


def connect() -> None:
    mark_on_change("readiness", STALE_WHEN, _mark)
