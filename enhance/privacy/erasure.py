"""Erasing a person who has left, and applying the retention rules.

Erasure removes who the person was (names, addresses, registration, sign-in, notifications,
their own writing and the history of their personal details) and keeps what they took part
in (memberships, attendance, placements, claims, counts), so programme figures and the
Trust's finance records are unchanged. It is refused, with the reason, while anything of
theirs is still open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.expenses.models import Claim
from enhance.notifications.models import Notification
from enhance.placements.models import ClinicEntry
from enhance.portfolio.models import Assessment, Reflection
from enhance.privacy.models import DataExport, Erasure, RetentionRule
from enhance.programmes.access import scope_for
from enhance.programmes.models import ImportBatch, Membership, Person, RecordView, RoleAssignment
from enhance.teaching.models import LeaveRequest

ONLY_ADMINS = "Only national admins erase people."
REASON_NEEDED = "Say why this person is being erased (for example: left the programme in July 2026)."
ALREADY_ERASED = "This person has already been erased."
STILL_IN_PROGRAMME = "They are still in a programme: end their membership first."
CLAIM_OPEN = "A travel claim is waiting for approval or payment."
LEAVE_OPEN = "A study-leave request is waiting for a decision."
ASSESSMENT_OPEN = "An assessment is waiting for its assessor."
CLINIC_OPEN = "A logged clinic is waiting for confirmation."


def erasure_blockers(person: Person) -> list[str]:
    """Why the person cannot be erased yet (empty when they can)."""
    blockers = []
    current = [Membership.Status.ACTIVE, Membership.Status.PAUSED]
    if Membership.objects.filter(person=person, status__in=current).exists():
        blockers.append(STILL_IN_PROGRAMME)
    open_claims = [Claim.Status.SUBMITTED, Claim.Status.APPROVED, Claim.Status.EXPORTED]
    if Claim.objects.filter(membership__person=person, status__in=open_claims).exists():
        blockers.append(CLAIM_OPEN)
    if LeaveRequest.objects.filter(membership__person=person, status=LeaveRequest.Status.SUBMITTED).exists():
        blockers.append(LEAVE_OPEN)
    waiting = [Assessment.Status.REQUESTED, Assessment.Status.AWAITING_APPROVAL]
    if Assessment.objects.filter(person=person, status__in=waiting).exists():
        blockers.append(ASSESSMENT_OPEN)
    if ClinicEntry.objects.filter(
        placement__membership__person=person, status=ClinicEntry.Status.SUBMITTED
    ).exists():
        blockers.append(CLINIC_OPEN)
    return blockers


@transaction.atomic
def person_erase(*, actor: User, person: Person, reason: str) -> Erasure:
    if not scope_for(actor).admin:
        raise PermissionDenied(ONLY_ADMINS)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if Erasure.objects.filter(person=person).exists():
        raise ValidationError(ALREADY_ERASED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_NEEDED})
    blockers = erasure_blockers(person)
    if blockers:
        raise ValidationError(blockers)
    placeholder = f"erased-{person.pk}@erased.invalid"
    person.forename, person.surname, person.preferred_name = "Erased", f"person {person.pk}", ""
    person.pronouns, person.phone, person.adjustments = "", "", ""
    person.email, person.registration_body, person.registration_number = placeholder, None, ""
    person.save()
    Person.history.filter(id=person.pk).exclude(history_id=person.history.latest().history_id).delete()
    for m in Membership.objects.filter(person=person).exclude(insurance_certificate=""):
        m.insurance_certificate.delete(save=False)
    Membership.objects.filter(person=person).update(
        assignment_number="",
        business_insurance_expires_on=None,
        insurance_certificate="",
        insurance_certificate_type="",
    )
    Membership.history.filter(person_id=person.pk).delete()
    Reflection.objects.filter(person=person).update(title="Erased", happened="", meaning="", next_steps="")
    Assessment.objects.filter(person=person).update(encounter="", feedback="", details={}, assessor_name="")
    Assessment.history.filter(person_id=person.pk).delete()
    RecordView.objects.filter(person=person).delete()
    DataExport.objects.filter(person=person).delete()
    if person.user is not None:
        _close_account(person.user, placeholder)
    return Erasure.objects.create(person=person, erased_by=actor, reason=reason.strip()[:300])


def _close_account(user: User, placeholder: str) -> None:
    Notification.objects.filter(recipient=user).delete()
    RoleAssignment.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email, user.full_name, user.is_active = placeholder, "", False
    user.set_unusable_password()
    user.save()


# --- Retention --------------------------------------------------------------------------------


def _read_notifications(cutoff: dt.datetime) -> int:
    return Notification.objects.filter(read_at__lt=cutoff).delete()[0]


def _import_files(cutoff: dt.datetime) -> int:
    return ImportBatch.objects.filter(created_at__lt=cutoff).delete()[0]


def _paid_claims(cutoff: dt.datetime) -> int:
    old = Claim.objects.filter(status=Claim.Status.PAID, paid_on__lt=cutoff.date())
    for claim in old.prefetch_related("journeys__costs"):
        for journey in claim.journeys.all():
            for cost in journey.costs.all():
                cost.receipt.delete(save=False)
    return old.delete()[0]


def _assessment_links(cutoff: dt.datetime) -> int:
    return Assessment.objects.filter(link_expires_at__lt=cutoff).exclude(link_nonce="").update(link_nonce="")


def _data_exports(cutoff: dt.datetime) -> int:
    old = DataExport.objects.filter(created_at__lt=cutoff)
    for export in old:
        export.file.delete(save=False)
    return old.delete()[0]


APPLIERS: dict[str, Callable[[dt.datetime], int]] = {
    "read-notifications": _read_notifications,
    "import-files": _import_files,
    "paid-claims": _paid_claims,
    "assessment-links": _assessment_links,
    "data-exports": _data_exports,
}


@transaction.atomic
def retention_apply(now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every retention rule (rules without an applier are reported as -1)."""
    now = now or timezone.now()
    done = {}
    for rule in RetentionRule.objects.all():
        applier = APPLIERS.get(rule.code)
        done[rule.code] = applier(now - dt.timedelta(days=rule.days)) if applier else -1
    return done
