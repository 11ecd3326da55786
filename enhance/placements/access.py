"""Who may see and change placement records (built on the programme scopes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.placements.models import AllocationRun, ClinicEntry, Opportunity, Placement, PlacementBlock
from enhance.programmes.access import (
    memberships_visible_to,
    programmes_manageable_by,
    programmes_run_by,
    scope_for,
)
from enhance.programmes.models import Membership, Organisation, Region, Role, RoleAssignment


def can_manage_opportunities(user: User) -> bool:
    scope = scope_for(user)
    return scope.admin or bool(scope.community_orgs)


def opportunities_manageable_by(user: User) -> QuerySet[Opportunity]:
    scope = scope_for(user)
    if scope.admin:
        return Opportunity.objects.all()
    return Opportunity.objects.filter(organisation__in=scope.community_orgs)


def opportunities_visible_to(user: User) -> QuerySet[Opportunity]:
    """Community leads see their own; leads who run blocks see those in their regions."""
    scope = scope_for(user)
    if scope.admin:
        return Opportunity.objects.all()
    regions = Region.objects.filter(programmes__in=programmes_run_by(user))
    return Opportunity.objects.filter(
        Q(organisation__in=scope.community_orgs) | Q(organisation__region__in=regions, active=True)
    ).distinct()


def get_opportunity_for(user: User, pk: int, *, write: bool = False) -> Opportunity:
    if not Opportunity.objects.filter(pk=pk).exists():
        raise Http404
    qs = opportunities_manageable_by(user) if write else opportunities_visible_to(user)
    obj = qs.select_related("organisation", "type", "site").filter(pk=pk).first()
    if obj is None:
        raise PermissionDenied
    return obj


def can_run_blocks(user: User) -> bool:
    return programmes_run_by(user).exists()


def blocks_manageable_by(user: User) -> QuerySet[PlacementBlock]:
    return PlacementBlock.objects.filter(cohort__programme__in=programmes_run_by(user))


def learner_memberships(user: User) -> QuerySet[Membership]:
    scope = scope_for(user)
    return Membership.objects.filter(person_id=scope.person_id or 0, status=Membership.Status.ACTIVE)


def blocks_followed_by(user: User) -> QuerySet[PlacementBlock]:
    """Blocks a locality lead follows (read only) for their locality's learners."""
    return PlacementBlock.objects.filter(cohort__programme__localities__in=scope_for(user).localities)


def blocks_visible_to(user: User) -> QuerySet[PlacementBlock]:
    return PlacementBlock.objects.filter(
        Q(cohort__programme__in=programmes_run_by(user))
        | Q(pk__in=blocks_followed_by(user).values("pk"))
        | Q(cohort__in=learner_memberships(user).values("cohort_id"))
    ).distinct()


def get_block_for(user: User, pk: int, *, manage: bool = False) -> PlacementBlock:
    if not PlacementBlock.objects.filter(pk=pk).exists():
        raise Http404
    qs = blocks_manageable_by(user) if manage else blocks_visible_to(user)
    block = qs.select_related("cohort", "cohort__programme").filter(pk=pk).first()
    if block is None:
        raise PermissionDenied
    return block


def get_run_for(user: User, pk: int) -> AllocationRun:
    run = AllocationRun.objects.select_related("block", "block__cohort", "created_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    if not blocks_manageable_by(user).filter(pk=run.block_id).exists():
        raise PermissionDenied
    return run


def placements_visible_to(user: User) -> QuerySet[Placement]:
    scope = scope_for(user)
    if scope.admin:
        return Placement.objects.all()
    return Placement.objects.filter(
        Q(membership__in=memberships_visible_to(user).filter(programme__in=programmes_manageable_by(user)))
        | Q(membership__person_id=scope.person_id or 0)
        | Q(opportunity__organisation__in=scope.community_orgs)
    )


def get_placement_for(user: User, pk: int) -> Placement:
    qs = Placement.objects.select_related(
        "membership__person", "opportunity__organisation", "opportunity__type", "opportunity__site", "block"
    )
    placement = qs.filter(pk=pk).first()
    if placement is None:
        raise Http404
    if not placements_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return placement


def clinic_entries_to_review(user: User) -> QuerySet[ClinicEntry]:
    """Clinics at the person's community organisations (admins: all). The organisations'
    placements are named by id (one query): joined instead, a list of waiting clinics in date
    order walks every organisation's clinics looking for theirs."""
    scope = scope_for(user)
    qs = ClinicEntry.objects.all()
    if not scope.admin:
        theirs = Placement.objects.filter(opportunity__organisation__in=scope.community_orgs)
        qs = qs.filter(placement_id__in=list(theirs.values_list("pk", flat=True)))
    return qs


def can_review_clinic(user: User, entry: ClinicEntry) -> bool:
    return clinic_entries_to_review(user).filter(pk=entry.pk).exists()


def community_organisations_for(user: User) -> QuerySet[Organisation]:
    """The community providers whose opportunities this person publishes (admins: all)."""
    scope = scope_for(user)
    qs = Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_PROVIDER)
    return qs if scope.admin else qs.filter(id__in=scope.community_orgs)


def ensure_receives_learners(user: User) -> None:
    """The incoming-learners list: community leads (and admins)."""
    scope = scope_for(user)
    if not (scope.admin or scope.community_orgs):
        raise PermissionDenied


def ensure_can_add_opportunities(user: User) -> None:
    if not can_manage_opportunities(user):
        raise PermissionDenied


def ensure_sees_opportunities(user: User) -> None:
    if not (can_manage_opportunities(user) or can_run_blocks(user)):
        raise PermissionDenied


def ensure_runs_blocks(user: User) -> None:
    if not can_run_blocks(user):
        raise PermissionDenied


def learner_membership_in(user: User, block: PlacementBlock) -> Membership:
    """The signed-in learner's membership in the block's cohort; others are refused."""
    membership = learner_memberships(user).filter(cohort=block.cohort).select_related("person").first()
    if membership is None:
        raise PermissionDenied
    return membership


def get_block_member_for(block: PlacementBlock, pk: int) -> Membership:
    membership = Membership.objects.filter(pk=pk, cohort=block.cohort).select_related("person").first()
    if membership is None:
        raise Http404("No such learner in this block's cohort.")
    return membership


def get_block_opportunity_for(block: PlacementBlock, pk: int) -> Opportunity:
    opportunity = block.opportunities.filter(pk=pk).first()
    if opportunity is None:
        raise Http404("No such opportunity in this block.")
    return opportunity


def get_own_clinic_entry_for(user: User, pk: int) -> ClinicEntry:
    """A clinic the signed-in learner logged."""
    entry = ClinicEntry.objects.select_related("placement__membership__person").filter(pk=pk).first()
    if entry is None:
        raise Http404("No such clinic.")
    if entry.placement.membership.person_id != (scope_for(user).person_id or 0):
        raise PermissionDenied
    return entry


def get_clinic_entry_for(user: User, pk: int) -> ClinicEntry:
    """A logged clinic, for its community lead to review."""
    entry = ClinicEntry.objects.select_related("placement").filter(pk=pk).first()
    if entry is None:
        raise Http404("No such clinic.")
    if not clinic_entries_to_review(user).filter(pk=pk).exists():
        raise PermissionDenied
    return entry


def community_leads_of(opportunities: list[Opportunity]) -> dict[int, list[User]]:
    """For each opportunity, everyone who receives its learners: the community leads of its
    organisation and the lead named on it (once each). One query."""
    by_org: dict[int, list[User]] = {}
    roles = RoleAssignment.objects.filter(
        role=Role.COMMUNITY_LEAD, organisation__in={o.organisation_id for o in opportunities}
    ).select_related("user")
    for role in roles:
        by_org.setdefault(role.organisation_id or 0, []).append(role.user)
    found = {}
    for o in opportunities:
        people = by_org.get(o.organisation_id, []) + ([o.community_lead] if o.community_lead else [])
        found[o.pk] = list({u.pk: u for u in people}.values())
    return found
