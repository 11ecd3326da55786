"""Reads for the expenses pages: a learner's claims, one claim priced, approvals waiting,
and a Trust's finance view."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from enhance.accounts.models import User
from enhance.expenses import access
from enhance.expenses.access import APPROVED_STATUSES
from enhance.expenses.models import Claim, Cost, ExportBatch
from enhance.expenses.services import claims_for_finance, duplicate_journeys, priced_lines
from enhance.programmes.models import Membership, Organisation, Site


def claims_of(membership: Membership) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(membership__person_id=membership.person_id)
        .annotate(journey_count=Count("journeys"))
        .order_by("-month")
    )


def approved_pence_by_year(membership: Membership) -> list[tuple[int, int]]:
    """Approved (or later) claim totals per calendar year, newest first."""
    totals = (
        Claim.objects.filter(membership__person_id=membership.person_id, status__in=APPROVED_STATUSES)
        .values_list("month__year")
        .annotate(total=Sum("total_pence"))
        .order_by("-month__year")
    )
    return [(year, total) for year, total in totals]


def claim_page(user: User, claim: Claim, *, with_form: bool) -> dict[str, Any]:
    """A claim's journeys priced at the rates in force, totals, duplicates and what the viewer
    may do."""
    journeys = list(
        claim.journeys.select_related("placement__opportunity").prefetch_related(
            Prefetch("costs", queryset=Cost.objects.order_by("pk"))
        )
    )
    try:
        lines, mileage_error = priced_lines(claim, journeys), ""
    except ValueError as exc:
        lines, mileage_error = [(j, 0, "") for j in journeys], str(exc)
    is_owner = claim.membership.person.user_id == user.pk
    mileage_total = sum(p for _, p, _ in lines)
    costs_total = sum(c.pence for j in journeys for c in j.costs.all())
    return {
        "claim": claim,
        "lines": lines,
        "duplicates": duplicate_journeys(claim),
        "mileage_total": mileage_total,
        "costs_total": costs_total,
        "total": mileage_total + costs_total,
        "mileage_error": mileage_error,
        "is_owner": is_owner,
        "can_approve": claim.awaiting_decision and not is_owner and access.can_approve(user, claim),
        "known_sites": known_sites(claim) if with_form else [],
    }


def known_sites(claim: Claim) -> QuerySet[Site]:
    """Sites in the learner's region, offered as journey ends."""
    return (
        Site.objects.filter(organisation__region=claim.membership.programme.region_id)
        .select_related("organisation")
        .order_by("name")
    )


def claims_to_decide(user: User) -> QuerySet[Claim]:
    """Submitted claims of others the user can approve (the bare rows: counting them on a home
    page needs no people and no journeys)."""
    return (
        access.claims_visible_to(user)
        .filter(status=Claim.Status.SUBMITTED)
        .exclude(membership__person__user=user)
    )


def claims_awaiting_approval(user: User) -> QuerySet[Claim]:
    return (
        claims_to_decide(user)
        .select_related("membership__person", "membership__programme")
        .annotate(journey_count=Count("journeys"))
        .order_by("submitted_at")
    )


def finance_page(user: User, organisation: Organisation) -> dict[str, Any]:
    claims = claims_for_finance(user, organisation).select_related("membership__person", "batch")
    waiting = claims.filter(status=Claim.Status.APPROVED)
    return {
        "organisation": organisation,
        "waiting": waiting,
        "waiting_total": waiting.aggregate(s=Sum("total_pence"))["s"] or 0,
        "unpaid": claims.filter(status=Claim.Status.EXPORTED).order_by("batch", "pk"),
        "batches": ExportBatch.objects.filter(organisation=organisation).annotate(
            claim_count=Count("claims")
        )[:20],
    }


def batches_of(organisation: Organisation) -> QuerySet[ExportBatch]:
    return ExportBatch.objects.filter(organisation=organisation).annotate(claim_count=Count("claims"))


# --- What is waiting (home pages) -------------------------------------------------------------


def returned_claims_of(person_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(membership__person_id=person_id, status=Claim.Status.RETURNED).order_by(
        "month", "pk"
    )


def finance_waiting(user: User) -> QuerySet[Any, Any]:
    """A finance officer's Trusts with approved claims to export and exported claims unpaid."""
    return access.finance_organisations_for(user).annotate(
        to_export=Count(
            "employed_memberships__claims",
            filter=Q(employed_memberships__claims__status=Claim.Status.APPROVED),
        ),
        unpaid=Count(
            "employed_memberships__claims",
            filter=Q(employed_memberships__claims__status=Claim.Status.EXPORTED),
        ),
    )


def claims_of_person(user: User, person_id: int, limit: int = 10) -> QuerySet[Claim]:
    return (
        access.claims_visible_to(user)
        .filter(membership__person_id=person_id)
        .order_by("-month", "pk")[:limit]
    )
