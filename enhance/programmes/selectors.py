"""Reads for programme, people and membership pages; each returns a queryset whose related
rows are already joined or prefetched, so a page costs the same whatever its size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from enhance.accounts.models import User
from enhance.programmes.access import memberships_visible_to, programmes_visible_to
from enhance.programmes.models import GradePeriod, Membership, Programme, Role, RoleAssignment


def current_grade_subquery(on: dt.date | None = None) -> Subquery:
    on = on or dt.date.today()
    return Subquery(
        GradePeriod.objects.filter(membership=OuterRef("pk"), starts_on__lte=on)
        .order_by("-starts_on")
        .values("grade__code")[:1]
    )


def learner_list(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Membership]:
    filters = filters or {}
    qs = (
        memberships_visible_to(user)
        .select_related("person", "programme", "cohort", "locality", "employing_organisation")
        .annotate(current_grade=current_grade_subquery())
    )
    q = (filters.get("q") or "").strip()
    if q:
        for word in q.split():
            qs = qs.filter(
                Q(person__forename__icontains=word)
                | Q(person__surname__icontains=word)
                | Q(person__preferred_name__icontains=word)
                | Q(person__email__icontains=word)
                | Q(person__registration_number__iexact=word)
            )
    for key in ("programme", "locality", "cohort", "status", "employing_organisation"):
        value = filters.get(key)
        if value:
            qs = qs.filter(**{key: value})
    return qs.order_by("person__surname", "person__forename", "pk")


def programme_list(user: User) -> QuerySet[Programme]:
    return (
        programmes_visible_to(user)
        .select_related("region")
        .annotate(
            learner_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True
            ),
            locality_count=Count("localities", distinct=True),
        )
        .order_by("region__name", "name")
    )


def leads_for_programme(programme: Programme) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(
            Q(role=Role.PROGRAMME_LEAD, programme=programme)
            | Q(role=Role.LOCALITY_LEAD, locality__programme=programme)
            | Q(role=Role.REGIONAL_LEAD, region=programme.region_id)
        )
        .select_related("user", "locality")
        .order_by("role", "user__full_name")
    )


def programme_detail_localities(programme: Programme) -> Any:
    return programme.localities.annotate(
        learner_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    ).prefetch_related(
        Prefetch(
            "roleassignment_set",
            queryset=RoleAssignment.objects.filter(role=Role.LOCALITY_LEAD).select_related("user"),
            to_attr="lead_roles",
        )
    )


def programme_detail_cohorts(programme: Programme) -> Any:
    return programme.cohorts.annotate(
        learner_count=Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE))
    )


def person_memberships(user: User, person_id: int) -> QuerySet[Membership]:
    return (
        memberships_visible_to(user)
        .filter(person_id=person_id)
        .select_related("programme", "programme__region", "cohort", "locality", "employing_organisation")
        .prefetch_related(Prefetch("grade_periods", queryset=GradePeriod.objects.select_related("grade")))
        .annotate(current_grade=current_grade_subquery())
    )


def leads_of(membership: Membership) -> list[User]:
    """The people who decide for a learner: their programme's leads and their locality's."""
    roles = RoleAssignment.objects.filter(
        Q(role=Role.PROGRAMME_LEAD, programme=membership.programme_id)
        | Q(role=Role.LOCALITY_LEAD, locality=membership.locality_id)
    ).select_related("user")
    return list({r.user_id: r.user for r in roles}.values())
