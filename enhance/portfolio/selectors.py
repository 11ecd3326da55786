"""Reads for the portfolio pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import F, QuerySet

from enhance.accounts.models import User
from enhance.portfolio import coverage, readiness, requirements
from enhance.portfolio.access import reflections_visible_to
from enhance.portfolio.models import Assessment, AssessmentType, EvidencePack, Reflection, RequirementSet
from enhance.programmes.access import memberships_manageable_by, scope_for
from enhance.programmes.models import Cohort, Membership, Programme
from enhance.programmes.selectors import LEARNER_COLUMNS, learner_rows, memberships_filtered


def reflections_of(user: User) -> QuerySet[Reflection]:
    """The signed-in learner's own reflections (drafts included)."""
    return (
        reflections_visible_to(user)
        .filter(person_id=scope_for(user).person_id or 0)
        .select_related("person")
        .prefetch_related("domains")
    )


def reflections_shared_with(user: User, limit: int = 50) -> QuerySet[Reflection]:
    """Other people's reflections shared with the signed-in person."""
    return (
        reflections_visible_to(user)
        .exclude(person_id=scope_for(user).person_id or 0)
        .select_related("person")
        .prefetch_related("domains")[:limit]
    )


def reflection_page(user: User, reflection: Reflection) -> dict[str, Any]:
    return {
        "reflection": reflection,
        "comments": reflection.comments.select_related("author"),
        "is_author": reflection.person.user_id == user.pk,
        "domains": reflection.domains.all(),
        "themes": reflection.themes.all(),
    }


def assessment_types() -> QuerySet[AssessmentType]:
    return AssessmentType.objects.all()


def assessment_type_by_code(code: str) -> AssessmentType | None:
    return AssessmentType.objects.filter(code=code).first()


def assessments_of(user: User) -> QuerySet[Assessment]:
    return Assessment.objects.filter(person_id=scope_for(user).person_id or 0).select_related("type")


def assessments_completed_by(user: User, limit: int = 50) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        assessor_email__iexact=user.email, status=Assessment.Status.COMPLETED
    ).select_related("type", "person")[:limit]


def cohort_heat_map_learners(user: User, cohort: Cohort) -> QuerySet[Membership] | None:
    """The cohort's active learners the user manages, by name; None for someone who manages
    no learners at all."""
    memberships = (
        memberships_manageable_by(user)
        .filter(cohort=cohort, status=Membership.Status.ACTIVE)
        .select_related("person", "programme")
        .order_by("person__surname", "person__forename", "pk")
    )
    if not scope_for(user).manages_learners and not memberships.exists():
        return None
    return memberships


def cohort_heat_map(page_of_memberships: list[Membership]) -> tuple[Any, Any]:
    """Domain coverage of one page of learners: the domains, and each learner's counts."""
    return coverage.heat_map(page_of_memberships)


def requirement_sets_of(programmes: QuerySet[Programme]) -> QuerySet[RequirementSet]:
    return (
        RequirementSet.objects.filter(programme__in=programmes)
        .select_related("programme")
        .prefetch_related("rules__assessment_type")
    )


def readiness_rows(page_of_memberships: list[Membership]) -> list[requirements.Progress]:
    """Rule by rule, for the learners on one page of the readiness list."""
    return requirements.progress_many(page_of_memberships)


READINESS_RELATED = ("person", "programme", "cohort", "locality", "readiness")


def learners_for_readiness(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Any, Any]:
    """The learners of `readiness_order`, in its order, each read in full with its related rows."""
    return _readiness_ordered(user, filters).select_related(*READINESS_RELATED)


def readiness_order(user: User, filters: dict[str, Any] | None = None) -> QuerySet[Any, Any]:
    """Active learners the user leads, filtered, red first (or soonest ARCP first), across all
    of them, as ids alone: ordering and paging thousands reads no more than it needs (a page is
    then read in full by `readiness_page`). Their kept readiness is brought up to date first
    (see `readiness`)."""
    return _readiness_ordered(user, filters).only("pk")


def readiness_page(page: list[Membership]) -> list[Membership]:
    """One page of `readiness_order` read in full (one query), in its order."""
    full = Membership.objects.select_related(*READINESS_RELATED).in_bulk([m.pk for m in page])
    return [full[m.pk] for m in page if m.pk in full]  # one removed in between is left out


def _readiness_ordered(user: User, filters: dict[str, Any] | None) -> QuerySet[Any, Any]:
    filters = filters or {}
    learners = memberships_filtered(
        memberships_manageable_by(user).filter(status=Membership.Status.ACTIVE), filters
    )
    readiness.refresh(learners)
    if filters.get("rag"):
        learners = learners.filter(readiness__rag=filters["rag"])
    arcp = F("arcp_date").asc(nulls_last=True)
    names = ("person__surname", "person__forename", "pk")
    order = (arcp, "readiness__rank") if filters.get("order") == "arcp" else ("readiness__rank", arcp)
    return learners.order_by(*order, *names)


READINESS_HEADER = [*LEARNER_COLUMNS, "Year", "ARCP date"]


def readiness_export_rows(learners: QuerySet[Any, Any]) -> Iterator[list[Any]]:
    """The filtered readiness list as a spreadsheet: one row a learner, every learner, read a
    chunk at a time."""
    yield [*READINESS_HEADER, "Rules met", "Rules", "Status"]
    kept = ("readiness__year", "arcp_date", "readiness__met", "readiness__rules", "readiness__rag")
    for cells, row in learner_rows(learners, *kept):
        rag = row["readiness__rag"]
        status = "No requirements" if rag == "none" else rag.capitalize()
        yield [*cells, row["readiness__year"], row["arcp_date"] or "", *(row[k] for k in kept[2:4]), status]


def evidence_packs_of(person_id: int, limit: int = 20) -> QuerySet[EvidencePack]:
    return EvidencePack.objects.filter(person_id=person_id)[:limit]


# --- What is waiting (home pages) -------------------------------------------------------------

ARCP_WARNING = dt.timedelta(weeks=12)


def pending_assessments_of(person_id: int) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            person_id=person_id,
            status__in=(Assessment.Status.REQUESTED, Assessment.Status.AWAITING_APPROVAL),
        )
        .select_related("type")
        .order_by("created_at", "pk")
    )


def reflections_to_comment(user: User) -> QuerySet[Reflection]:
    """Finished reflections shared with this supervisor that they have not commented on."""
    return (
        reflections_visible_to(user)
        .filter(person_id__in=scope_for(user).supervised, draft=False)
        .exclude(comments__author=user)
        .select_related("person")
        .order_by("updated_at", "pk")
    )


def assessors_to_approve(user: User) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            person_id__in=scope_for(user).supervised, status=Assessment.Status.AWAITING_APPROVAL
        )
        .select_related("type", "person")
        .order_by("created_at", "pk")
    )


def readiness_of(memberships: list[Membership], today: dt.date) -> list[requirements.Progress]:
    return requirements.progress_many(memberships, today)


def red_before_arcp(user: User, today: dt.date) -> QuerySet[Membership]:
    """Active learners the user leads whose ARCP is within twelve weeks and who are red."""
    return readiness.red_before_arcp(memberships_manageable_by(user), today, ARCP_WARNING).select_related(
        "person"
    )


def reflections_of_person(user: User, person_id: int, limit: int = 10) -> QuerySet[Reflection]:
    """Finished reflections of this learner that the viewer may read, newest first."""
    return (
        reflections_visible_to(user)
        .filter(person_id=person_id, draft=False)
        .prefetch_related("domains")
        .order_by("-created_at", "pk")[:limit]
    )


def assessments_of_person(person_id: int, limit: int = 10) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(person_id=person_id).select_related("type").order_by("-date", "pk")[:limit]
    )
