"""Writes to people, memberships, grades and roles. Views, forms, imports and commands call
these; the rules live here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.invitations import invite
from enhance.accounts.models import User
from enhance.core.validation import save_valid
from enhance.notifications import kinds
from enhance.notifications.services import Message, notify, notify_many
from enhance.programmes import access
from enhance.programmes.access import can_manage_programme_wide, scope_for
from enhance.programmes.models import (
    Cohort,
    Grade,
    GradePeriod,
    Locality,
    Membership,
    Organisation,
    Pause,
    Person,
    Programme,
    RecordView,
    RoleAssignment,
)
from enhance.programmes.selectors import leads_of

# Messages people see when a rule refuses them (tests assert them by name).
YOU_CANNOT_MANAGE_LEARNERS_PROGRAMME = "You cannot manage learners in this programme or locality."
GRADE_CANNOT_START_BEFORE_MEMBERSHIP = "A grade cannot start before the membership does."
ONLY_NATIONAL_ADMIN_CAN_ASSIGN = "Only a national admin can assign roles."
EMAIL_ADDRESS_BELONGS_ANOTHER_PERSON = "This email address belongs to another person's account."
ANOTHER_ACCOUNT_ALREADY_USES_EMAIL = "Another account already uses this email address."
ONLY_PROGRAMME_LEADS_SET_RULES = "Only the leads who run this programme change its rules."
LEARNER_INVITATION_SUBJECT = "Your enhance account is ready"
LEARNER_INVITATION_INTRO = (
    "You are a learner of {programme} in enhance, where you will find your teaching timetable, "
    "placements, study leave, portfolio and travel claims."
)
ALREADY_SIGNED_UP = "This learner has already set a password: they sign in as usual."
ALREADY_A_MEMBER = "{person} is already a member of {programme}."


def check_can_manage(actor: User, programme: Programme, locality: Locality | None) -> None:
    if can_manage_programme_wide(actor, programme):
        return
    scope = scope_for(actor)
    if locality is not None and locality.id in scope.localities:
        return
    raise PermissionDenied(YOU_CANNOT_MANAGE_LEARNERS_PROGRAMME)


@transaction.atomic
def person_create(
    *,
    actor: User,
    forename: str,
    surname: str,
    email: str,
    preferred_name: str = "",
    profession: Any = None,
    registration_body: Any = None,
    registration_number: str = "",
) -> Person:
    person = Person(
        forename=forename.strip(),
        surname=surname.strip(),
        email=email.strip().lower(),
        preferred_name=preferred_name.strip(),
        profession=profession,
        registration_body=registration_body,
        registration_number=registration_number,
    )
    save_valid(person)
    person.user = _account_for(person)
    person.save(update_fields=["user"])
    return person


def _account_for(person: Person) -> User:
    """Every learner gets a sign-in account, without a password until they set one through
    their invitation (or "Forgotten your password?"). An existing account with the same email
    is linked instead."""
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User.objects.create_user(email=person.email, password=None, full_name=person.full_name)
    elif Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ValidationError({"email": EMAIL_ADDRESS_BELONGS_ANOTHER_PERSON})
    return user


STALE_EDIT = (
    "Someone else changed this record while you were editing it. Check the current details "
    "below and make your change again."
)


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise ValidationError(STALE_EDIT)


@transaction.atomic
def person_update(
    *, actor: User, person: Person, expected_version: int | None = None, **fields: Any
) -> Person:
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    _check_version(person.version, expected_version)
    for name, value in fields.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    person.email = person.email.lower()
    person.version += 1
    save_valid(person)
    if person.user is not None and person.user.email != person.email:
        if User.objects.filter(email__iexact=person.email).exclude(pk=person.user.pk).exists():
            raise ValidationError({"email": ANOTHER_ACCOUNT_ALREADY_USES_EMAIL})
        person.user.email = person.email
        person.user.full_name = person.full_name
        person.user.save(update_fields=["email", "full_name"])
    return person


@transaction.atomic
def membership_create(
    *,
    actor: User,
    person: Person,
    programme: Programme,
    cohort: Cohort,
    starts_on: dt.date,
    grade: Grade | None = None,
    locality: Locality | None = None,
    employing_organisation: Organisation | None = None,
    wte: Decimal = Decimal("1.00"),
    ends_on: dt.date | None = None,
    status: str = Membership.Status.ACTIVE,
    holds_driving_licence: bool = False,
    business_insurance_expires_on: dt.date | None = None,
    assignment_number: str = "",
    cost_centre: str = "",
    arcp_date: dt.date | None = None,
    grade_starts_on: dt.date | None = None,
) -> Membership:
    check_can_manage(actor, programme, locality)
    if Membership.objects.filter(person=person, programme=programme).exists():
        raise ValidationError({"programme": ALREADY_A_MEMBER.format(person=person, programme=programme)})
    membership = Membership(
        person=person,
        programme=programme,
        cohort=cohort,
        locality=locality,
        employing_organisation=employing_organisation,
        wte=wte,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        status_since=starts_on,
        holds_driving_licence=holds_driving_licence,
        business_insurance_expires_on=business_insurance_expires_on,
        assignment_number=assignment_number.strip(),
        cost_centre=cost_centre.strip(),
        arcp_date=arcp_date,
    )
    save_valid(membership)
    if grade is not None:
        grade_set(actor=actor, membership=membership, grade=grade, starts_on=grade_starts_on or starts_on)
    return membership


@transaction.atomic
def learner_add(
    *, actor: User, person_fields: dict[str, Any], membership_fields: dict[str, Any]
) -> Membership:
    """A new person and their first programme membership, together or not at all; they are
    invited by email to set a password."""
    person = person_create(actor=actor, **person_fields)
    membership = membership_create(actor=actor, person=person, **membership_fields)
    if person.user is not None and not person.user.has_usable_password():
        invite(person.user, LEARNER_INVITATION_SUBJECT, learner_invitation_intro(membership.programme))
    return membership


def learner_invitation_intro(programme: Programme) -> str:
    return LEARNER_INVITATION_INTRO.format(programme=programme.name)


@transaction.atomic
def learner_invite(*, actor: User, person: Person) -> None:
    """Send the invitation again (a lead, for a learner who has not set a password yet)."""
    membership = (
        access.memberships_manageable_by(actor).filter(person=person).select_related("programme").first()
    )
    if membership is None:
        raise PermissionDenied
    if person.user is None or person.user.has_usable_password():
        raise ValidationError(ALREADY_SIGNED_UP)
    invite(person.user, LEARNER_INVITATION_SUBJECT, learner_invitation_intro(membership.programme))


@transaction.atomic
def membership_update(
    *,
    actor: User,
    membership: Membership,
    expected_version: int | None = None,
    grade: Grade | None = None,
    grade_starts_on: dt.date | None = None,
    **fields: Any,
) -> Membership:
    """Change a membership. With expected_version (the version the editor's form showed), an
    edit made on stale data is refused instead of silently undoing someone else's change."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_version(locked.version, expected_version)
    check_can_manage(actor, locked.programme, locked.locality)
    old_status = locked.status
    for name, value in fields.items():
        setattr(locked, name, value)
    check_can_manage(actor, locked.programme, locked.locality)
    if locked.status != old_status and "status_since" not in fields:
        locked.status_since = dt.date.today()
    locked.version += 1
    save_valid(locked)
    if locked.status != old_status:
        _record_pause(locked, old_status)
    if grade is not None:
        grade_set(actor=actor, membership=locked, grade=grade, starts_on=grade_starts_on or locked.starts_on)
    return locked


def _record_pause(membership: Membership, old_status: str) -> None:
    """Keep the pauses in step with the status: pausing opens one, resuming closes it."""
    if membership.status == Membership.Status.PAUSED:
        Pause.objects.create(membership=membership, starts_on=membership.status_since)
    elif old_status == Membership.Status.PAUSED:
        for pause in membership.pauses.filter(ends_on__isnull=True):
            pause.ends_on = max(membership.status_since - dt.timedelta(days=1), pause.starts_on)
            pause.save(update_fields=["ends_on"])


@transaction.atomic
def grade_set(*, actor: User, membership: Membership, grade: Grade, starts_on: dt.date) -> GradePeriod:
    """Record that the learner holds `grade` from `starts_on` (replacing any grade recorded
    for that same date)."""
    if starts_on < membership.starts_on:
        raise ValidationError({"grade_from": GRADE_CANNOT_START_BEFORE_MEMBERSHIP})
    period, _ = GradePeriod.objects.update_or_create(
        membership=membership, starts_on=starts_on, defaults={"grade": grade}
    )
    return period


@transaction.atomic
def role_assign(*, actor: User, user: User, role: str, **scope: Any) -> RoleAssignment:
    if not scope_for(actor).admin:
        raise PermissionDenied(ONLY_NATIONAL_ADMIN_CAN_ASSIGN)
    assignment = RoleAssignment(user=user, role=role, **scope)
    save_valid(assignment)
    role_announce(assignment)
    return assignment


def role_announce(assignment: RoleAssignment) -> None:
    """Tell the person of the role they now hold."""
    notify(
        recipient=assignment.user,
        kind=kinds.ACCOUNT.code,
        title=f"You are now {assignment}",
        body="Your roles in enhance have changed. Staff roles sign in with two-factor authentication.",
        url=reverse("home"),
    )


PROGRAMME_SETTINGS = (
    "description",
    "attendance_threshold",
    "apologies_excused",
    "year_start_month",
    "study_leave_days",
    "enhance_leave_days",
    "leave_notice_days",
    "claim_window_months",
    "assessor_email_domains",
)


def check_programme_wide(actor: User, programme: Programme) -> None:
    if not can_manage_programme_wide(actor, programme):
        raise PermissionDenied(ONLY_PROGRAMME_LEADS_SET_RULES)


@transaction.atomic
def programme_settings_update(*, actor: User, programme: Programme, **fields: Any) -> Programme:
    """A programme's own rules (attendance, study leave, claims, assessors), changed by the
    leads who run it; every change is kept in its history."""
    check_programme_wide(actor, programme)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    for name, value in fields.items():
        if name not in PROGRAMME_SETTINGS:
            raise ValueError(name)
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    save_valid(locked)
    return locked


def notify_leads(membership: Membership, *, kind: str, title: str, body: str = "", url: str = "") -> int:
    """Tell the learner's leads (their programme's and their locality's), in one go."""
    leads = leads_of(membership)
    return len(notify_many(kind=kind, messages=[Message(lead, title, body, url) for lead in leads]))


def chase_leads_once(
    waiting: QuerySet[Any], *, kind: str, title: Callable[[Any], str], url: Callable[[Any], str]
) -> int:
    """For each waiting item (it has a `membership` and a `chased_at`), tell the learner's
    leads once: the item is claimed with a conditional update, so two schedulers never both
    chase it. Returns how many leads were told."""
    sent = 0
    for item in waiting.select_related("membership__person"):
        if waiting.model.objects.filter(pk=item.pk, chased_at__isnull=True).update(chased_at=timezone.now()):
            sent += notify_leads(item.membership, kind=kind, title=title(item), url=url(item))
    return sent


@transaction.atomic
def record_viewed(*, viewer: User, person_id: int, what: str, url: str = "") -> None:
    """Log that `viewer` opened a record of another person (nothing is logged when people open
    their own records)."""
    if scope_for(viewer).person_id == person_id:
        return
    RecordView.objects.create(person_id=person_id, viewer=viewer, what=what[:200], url=url[:300])
