"""Who sees and changes partners, pairing rounds, immersive days and projects.

Partners (with their safeguarding notes) belong to the regions of the programmes a lead
runs; a national admin sees them all. A partner contact sees only their organisation's
pairs, days and projects. Projects: their learners, supervisor, partner contacts and the
leads who manage the lead learner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Membership, Role
from enhance.projects.models import ImmersiveDay, Milestone, Pairing, PairingRound, Partner, Project


def can_manage_partners(user: User) -> bool:
    return programmes_run_by(user).exists()


def partner_regions(user: User) -> QuerySet[Any]:
    """The regions whose partners this person manages: those of the programmes they run."""
    return programmes_run_by(user).values("region_id")


def partners_visible_to(user: User) -> QuerySet[Partner]:
    if scope_for(user).admin:
        return Partner.objects.all()
    if not can_manage_partners(user):
        return Partner.objects.none()
    return Partner.objects.filter(organisation__region__in=partner_regions(user))


def get_partner_for(user: User, pk: int) -> Partner:
    partner = Partner.objects.select_related("organisation").filter(pk=pk).first()
    if partner is None:
        raise Http404("No such partner.")
    if not partners_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return partner


def ensure_manages_partners(user: User) -> None:
    if not can_manage_partners(user):
        raise PermissionDenied


def rounds_manageable_by(user: User) -> QuerySet[PairingRound]:
    return PairingRound.objects.filter(cohort__programme__in=programmes_run_by(user))


def get_round_for(user: User, pk: int, *, manage: bool = False) -> PairingRound:
    """A pairing round: its leads; without manage=True, also the learners of its cohort."""
    found = PairingRound.objects.select_related("cohort__programme").filter(pk=pk).first()
    if found is None:
        raise Http404("No such pairing round.")
    if rounds_manageable_by(user).filter(pk=pk).exists():
        return found
    if manage or round_membership(user, found) is None:
        raise PermissionDenied
    return found


def round_membership(user: User, pairing_round: PairingRound) -> Membership | None:
    """The signed-in learner's active membership in the round's cohort, if any."""
    return (
        Membership.objects.filter(
            person_id=scope_for(user).person_id or 0,
            cohort=pairing_round.cohort,
            status=Membership.Status.ACTIVE,
        )
        .select_related("person")
        .first()
    )


def learner_membership_in_round(user: User, pairing_round: PairingRound) -> Membership:
    membership = round_membership(user, pairing_round)
    if membership is None:
        raise PermissionDenied
    return membership


def partners_for_contact(user: User) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation__in=scope_for(user).partner_orgs)


def ensure_partner_contact(user: User) -> None:
    if not scope_for(user).partner_orgs:
        raise PermissionDenied


def get_own_pairing_for(user: User, pk: int) -> Pairing:
    """A learner's own confirmed-or-not pairing (to plan immersive days)."""
    pairing = Pairing.objects.select_related("round", "membership__person").filter(pk=pk).first()
    if pairing is None:
        raise Http404("No such pairing.")
    if pairing.membership.person_id != scope_for(user).person_id:
        raise PermissionDenied
    return pairing


def get_day_for(user: User, pk: int) -> ImmersiveDay:
    """An immersive day: its learner, and the contacts of its partner organisation."""
    day = (
        ImmersiveDay.objects.select_related("pairing__membership__person", "pairing__partner")
        .filter(pk=pk)
        .first()
    )
    if day is None:
        raise Http404("No such immersive day.")
    scope = scope_for(user)
    own = day.pairing.membership.person_id == scope.person_id
    if not own and day.pairing.partner.organisation_id not in scope.partner_orgs:
        raise PermissionDenied
    return day


def projects_visible_to(user: User) -> QuerySet[Project]:
    scope = scope_for(user)
    if scope.admin:
        return Project.objects.all()
    return Project.objects.filter(
        Q(lead__person_id=scope.person_id or 0)
        | Q(co_learners__person_id=scope.person_id or 0)
        | Q(supervisor=user)
        | Q(partner__organisation__in=scope.partner_orgs)
        | Q(lead__in=memberships_manageable_by(user))
    ).distinct()


def is_project_learner(user: User, project: Project) -> bool:
    """The project's lead learner or one of its co-learners."""
    person = scope_for(user).person_id
    return person is not None and (
        project.lead.person_id == person or project.co_learners.filter(person_id=person).exists()
    )


def can_edit_project(user: User, project: Project) -> bool:
    scope = scope_for(user)
    return (
        project.lead.person_id == scope.person_id
        or project.co_learners.filter(person_id=scope.person_id or 0).exists()
        or project.supervisor_id == user.pk
        or manages_project(user, project)
    )


def manages_project(user: User, project: Project) -> bool:
    return memberships_manageable_by(user).filter(pk=project.lead_id).exists()


def get_project_for(user: User, pk: int) -> Project:
    project = (
        Project.objects.select_related("lead__person", "partner__organisation", "supervisor")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("No such project.")
    if not projects_visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied
    return project


def get_milestone_for(user: User, project_pk: int, pk: int) -> Milestone:
    project = get_project_for(user, project_pk)
    milestone = project.milestones.filter(pk=pk).first()
    if milestone is None:
        raise Http404("No such milestone on this project.")
    return milestone


def cohort_mates_for(user: User, project: Project) -> QuerySet[Membership]:
    """Who can join or take over the project: active learners of the lead's cohort; a lead
    sees only the learners they manage (a locality lead, their locality's)."""
    mates = (
        Membership.objects.filter(cohort=project.lead.cohort_id, status=Membership.Status.ACTIVE)
        .exclude(pk=project.lead_id)
        .select_related("person")
        .order_by("person__surname", "person__forename", "pk")
    )
    if manages_project(user, project):
        return mates.filter(pk__in=memberships_manageable_by(user).values("pk"))
    if can_edit_project(user, project):
        return mates
    return mates.none()


def supervisor_candidates(project: Project) -> QuerySet[User]:
    """Who can supervise a project: the lead learner's supervisors and their programme's faculty."""
    lead = project.lead
    return (
        User.objects.filter(
            Q(roles__role=Role.SUPERVISOR, roles__learner_id=lead.person_id)
            | Q(roles__role=Role.FACULTY, roles__programme_id=lead.programme_id)
        )
        .distinct()
        .order_by("full_name", "email")
    )
