"""Appointing staff in the app: a lead grants a role only within a scope they hold, to a
person who already has an account (who is told) or to a new one (who gets an invitation with
a one-time, expiring link to set a password). Roles can be ended; the history keeps both."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.invitations import invite
from enhance.accounts.models import User
from enhance.notifications import kinds
from enhance.notifications.services import notify
from enhance.programmes.access import memberships_manageable_by, programmes_run_by, scope_for
from enhance.programmes.models import Programme, Role, RoleAssignment
from enhance.programmes.services import role_announce

CANNOT_GRANT = "You cannot give the role {role} there: it is outside what you lead."
NOT_AN_EMAIL = "Enter an email address, like name@nhs.net."
NAME_NEEDED = "Enter the person's name."
ALREADY_HOLDS = "{user} already holds this role."
INVITATION_SUBJECT = "You are invited to enhance as {role}"
INVITATION_INTRO = (
    "{granter} has given you the role {role} in enhance. After setting your password, you set up "
    "an authenticator app for the second step of signing in."
)
END_IN_PAST = "The end date cannot be in the past."
ROLE_ENDED_TITLE = "Your role has ended: {role}"


def can_grant(actor: User, assignment: RoleAssignment) -> bool:
    """Whether the actor may give (or end) this role in this scope: national admins anywhere;
    regional leads the programme leads of their region; the leads who run a programme its
    faculty, locality leads, supervisors of its learners, and community leads, partner
    contacts and finance officers of organisations in its region."""
    scope = scope_for(actor)
    if scope.admin:
        return True
    role = assignment.role
    if role in (Role.NATIONAL_ADMIN, Role.REGIONAL_LEAD):
        return False
    if role == Role.PROGRAMME_LEAD:
        return assignment.programme is not None and assignment.programme.region_id in scope.regions
    runs = programmes_run_by(actor)
    if role == Role.FACULTY:
        return runs.filter(pk=assignment.programme_id or 0).exists()
    if role == Role.LOCALITY_LEAD:
        return runs.filter(localities=assignment.locality_id or 0).exists()
    if role == Role.SUPERVISOR:
        return memberships_manageable_by(actor).filter(person_id=assignment.learner_id or 0).exists()
    organisation = assignment.organisation
    if organisation is None or organisation.region_id is None:
        return False
    return runs.filter(region_id=organisation.region_id).exists()


def _in_programme(programme: Programme) -> Q:
    return (
        Q(programme=programme)
        | Q(locality__programme=programme)
        | Q(learner__memberships__programme=programme)
        | Q(role=Role.REGIONAL_LEAD, region_id=programme.region_id)
    )


def staff_of(programme: Programme, q: str = "", role: str = "") -> QuerySet[RoleAssignment]:
    """Everyone with a role in or for the programme: its leads and faculty, its localities'
    leads, its learners' supervisors; searched by name or email and filtered by role."""
    found = RoleAssignment.objects.filter(_in_programme(programme))
    if q:
        found = found.filter(Q(user__full_name__icontains=q) | Q(user__email__icontains=q))
    if role:
        found = found.filter(role=role)
    return (
        found.select_related("user", "locality", "learner", "programme", "region")
        .distinct()
        .order_by("role", "user__full_name", "pk")
    )


def staff_member(programme: Programme, user_pk: int) -> dict[str, object]:
    """One person's roles in or for the programme now, and every role they held or were
    given there (granted and ended, with when and by whom), newest first."""
    roles = staff_of(programme).filter(user_id=user_pk)
    history = (
        RoleAssignment.history.filter(user_id=user_pk)
        .filter(_in_programme(programme))
        .exclude(history_type="~")
        .select_related("history_user", "programme", "locality", "learner", "organisation", "region")
        .distinct()
        .order_by("-history_date", "-history_id")
    )
    person = User.objects.filter(pk=user_pk).first()
    if person is None or not (roles.exists() or history.exists()):
        raise Http404("No such person on this programme's staff.")
    records = list(history[:100])
    for record in records:
        record.given = record.history_type == "+"
    return {"person": person, "roles": roles, "history": records}


def get_role_in_programme(programme: Programme, pk: int) -> RoleAssignment:
    """A role held in or for this programme (404 for any other)."""
    found = staff_of(programme).filter(pk=pk).first()
    if found is None:
        raise Http404("No such role in this programme.")
    return found


def _invite(granter: User, user: User, assignment: RoleAssignment) -> None:
    intro = INVITATION_INTRO.format(granter=granter.full_name or granter.email, role=assignment)
    invite(user, INVITATION_SUBJECT.format(role=assignment.get_role_display().lower()), intro)


@transaction.atomic
def role_grant(
    *,
    actor: User,
    email: str,
    full_name: str = "",
    role: str,
    ends_on: dt.date | None = None,
    **scope: object,
) -> RoleAssignment:
    """Give a role (until an optional end date); a new person is invited by email, someone
    with an account is told."""
    if ends_on is not None and ends_on < timezone.localdate():
        raise ValidationError({"ends_on": END_IN_PAST})
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": NOT_AN_EMAIL}) from None
    user = User.objects.filter(email__iexact=email).first()
    if user is None and not full_name.strip():
        raise ValidationError({"full_name": NAME_NEEDED})
    assignment = RoleAssignment(role=role, ends_on=ends_on, **scope)
    if not can_grant(actor, assignment):
        raise PermissionDenied(CANNOT_GRANT.format(role=assignment.get_role_display().lower()))
    new = user is None
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name.strip())
    if RoleAssignment.objects.filter(user=user, role=role, **scope).exists():
        raise ValidationError({"email": ALREADY_HOLDS.format(user=user.full_name or user.email)})
    assignment.user = user
    assignment.full_clean()
    assignment.save()
    if new or not user.has_usable_password():
        _invite(actor, user, assignment)
    role_announce(assignment)
    return assignment


@transaction.atomic
def role_end(*, actor: User, assignment: RoleAssignment) -> None:
    if not can_grant(actor, assignment):
        raise PermissionDenied(CANNOT_GRANT.format(role=assignment.get_role_display().lower()))
    _end(assignment)


def end_expired_roles(today: dt.date | None = None) -> int:
    """Each morning: roles whose end date has passed end, and their holders are told."""
    expired = RoleAssignment.objects.filter(ends_on__lt=today or timezone.localdate()).select_related("user")
    ended = 0
    for assignment in expired:
        with transaction.atomic():
            _end(assignment)
        ended += 1
    return ended


def _end(assignment: RoleAssignment) -> None:
    user, label = assignment.user, str(assignment)
    assignment.delete()
    notify(
        recipient=user,
        kind=kinds.ACCOUNT.code,
        title=ROLE_ENDED_TITLE.format(role=label),
        url=reverse("home"),
    )
