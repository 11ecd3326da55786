"""Who sees which claims: the learner their own, leads the learners they manage, a Trust's
finance officers its learners' approved claims, admins all."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.expenses.models import Claim, Cost, ExportBatch, Journey
from enhance.programmes.access import memberships_manageable_by, scope_for
from enhance.programmes.models import Organisation

APPROVED_STATUSES = (Claim.Status.APPROVED, Claim.Status.EXPORTED, Claim.Status.PAID)


def claims_visible_to(user: User) -> QuerySet[Claim]:
    scope = scope_for(user)
    if scope.admin:
        return Claim.objects.all()
    return Claim.objects.filter(
        Q(membership__person_id=scope.person_id or 0)
        | Q(membership__in=memberships_manageable_by(user))
        | Q(membership__employing_organisation__in=scope.finance_orgs, status__in=APPROVED_STATUSES)
    )


def can_approve(user: User, claim: Claim) -> bool:
    return memberships_manageable_by(user).filter(pk=claim.membership_id).exists()


def get_claim_for(user: User, pk: int) -> Claim:
    claim = (
        Claim.objects.select_related(
            "membership__person",
            "membership__programme",
            "membership__employing_organisation",
            "approved_by",
            "batch",
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    if not claims_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return claim


def get_journey_for(user: User, claim_pk: int, pk: int) -> Journey:
    claim = get_claim_for(user, claim_pk)
    journey = Journey.objects.filter(pk=pk, claim=claim).select_related("claim").first()
    if journey is None:
        raise Http404("No such journey on this claim.")
    return journey


def get_cost_for(user: User, pk: int) -> Cost:
    """A fare, parking or toll (and its receipt): seen by whoever may see its claim."""
    cost = Cost.objects.select_related("journey").filter(pk=pk).first()
    if cost is None:
        raise Http404("No such receipt.")
    get_claim_for(user, cost.journey.claim_id)
    return cost


def ensure_approver(user: User) -> None:
    if not scope_for(user).manages_learners:
        raise PermissionDenied


def finance_organisations_for(user: User) -> QuerySet[Organisation]:
    """The employing Trusts whose claims this person exports: their finance roles (admins: all)."""
    scope = scope_for(user)
    if not (scope.admin or scope.finance_orgs):
        raise PermissionDenied
    qs = Organisation.objects.all() if scope.admin else Organisation.objects.filter(pk__in=scope.finance_orgs)
    return qs.order_by("name")


def get_finance_organisation_for(user: User, pk: int) -> Organisation:
    organisation = finance_organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such Trust among yours.")
    return organisation


def get_batch_for(user: User, pk: int) -> ExportBatch:
    batch = ExportBatch.objects.select_related("organisation").filter(pk=pk).first()
    if batch is None:
        raise Http404("No such batch.")
    if not finance_organisations_for(user).filter(pk=batch.organisation_id).exists():
        raise PermissionDenied
    return batch


def get_claim_for_finance(user: User, pk: int) -> Claim:
    claim = Claim.objects.select_related("membership").filter(pk=pk).first()
    if claim is None:
        raise Http404("No such claim.")
    trust_id = claim.membership.employing_organisation_id or 0
    if not finance_organisations_for(user).filter(pk=trust_id).exists():
        raise PermissionDenied
    return claim
