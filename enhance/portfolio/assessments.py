"""Workplace-based assessments: the learner records the encounter and requests it; the
assessor, who needs no account, completes it through a signed one-time link."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications.services import notify
from enhance.portfolio.models import Assessment
from enhance.portfolio.notifications import ASSESSMENT_DONE, ASSESSOR_APPROVAL
from enhance.programmes.access import scope_for
from enhance.programmes.models import Person, Role, RoleAssignment
from enhance.programmes.selectors import current_membership

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_LEARNERS_REQUEST_ASSESSMENTS = "Only learners request assessments."
ENCOUNTER_CANNOT_FUTURE = "The encounter cannot be in the future."
ONLY_LEARNER_S_SUPERVISOR_APPROVES = "Only the learner's supervisor approves assessors."
ASSESSMENT_IS = "This assessment is {status}."

LINK_DAYS = 14
_SALT = "enhance.assessor-link"


def link_token(assessment: Assessment) -> str:
    return signing.dumps({"a": assessment.pk, "n": assessment.link_nonce}, salt=_SALT)


def link_url(assessment: Assessment) -> str:
    return f"{settings.SITE_URL}/assess/{link_token(assessment)}/"


def _send_link(assessment: Assessment) -> None:
    url = link_url(assessment)
    expires = timezone.localtime(assessment.link_expires_at)

    def send() -> None:
        send_mail(
            subject=f"Please complete a {assessment.type.code} for {assessment.person.full_name}",
            message=(
                f"{assessment.person.full_name} asks you to complete a {assessment.type.name} "
                f"({assessment.type.code}) for the encounter on {assessment.date:%d %B %Y}.\n\n"
                f"Open this link to complete it (no account needed; it works once and until "
                f"{expires:%d %B %Y}):\n{url}\n"
            ),
            from_email=None,
            recipient_list=[assessment.assessor_email],
        )

    transaction.on_commit(send)


def _new_link(assessment: Assessment) -> None:
    assessment.link_nonce = secrets.token_hex(8)
    assessment.link_expires_at = timezone.now() + dt.timedelta(days=LINK_DAYS)


@transaction.atomic
def assessment_request(*, actor: User, assessment: Assessment) -> Assessment:
    scope = scope_for(actor)
    if scope.person_id is None:
        raise PermissionDenied(ONLY_LEARNERS_REQUEST_ASSESSMENTS)
    assessment.person_id = scope.person_id
    if _is_a_learners_address(assessment.assessor_email):
        raise ValidationError({"assessor_email": ASSESSOR_IS_A_LEARNER})
    if assessment.date > timezone.localdate():
        raise ValidationError({"date": ENCOUNTER_CANNOT_FUTURE})
    membership = current_membership(actor)
    if membership is not None and not membership.programme.assessor_domain_allowed(assessment.assessor_email):
        assessment.status = Assessment.Status.AWAITING_APPROVAL
        assessment.full_clean()
        assessment.save()
        _ask_supervisors(assessment)
        return assessment
    assessment.status = Assessment.Status.REQUESTED
    _new_link(assessment)
    assessment.full_clean()
    assessment.save()
    _send_link(assessment)
    return assessment


def _ask_supervisors(assessment: Assessment) -> None:
    supervisors = RoleAssignment.objects.filter(role=Role.SUPERVISOR, learner_id=assessment.person_id)
    for role in supervisors.select_related("user"):
        notify(
            recipient=role.user,
            kind=ASSESSOR_APPROVAL.code,
            title=f"Approve {assessment.assessor_email} to assess {assessment.person.full_name}",
            body="The address is outside the programme's usual assessor domains.",
            url=assessment.get_absolute_url(),
        )


def can_approve_assessor(user: User, assessment: Assessment) -> bool:
    return assessment.awaiting_approval and assessment.person_id in scope_for(user).supervised


@transaction.atomic
def assessment_assessor_approve(*, actor: User, assessment: Assessment) -> Assessment:
    """The learner's supervisor approves an assessor outside the programme's domains; the link
    then goes out as for any other assessor."""
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("person", "type")
        .get(pk=assessment.pk)
    )
    if locked.person_id not in scope_for(actor).supervised:
        raise PermissionDenied(ONLY_LEARNER_S_SUPERVISOR_APPROVES)
    if not locked.awaiting_approval:
        raise ValidationError(ASSESSMENT_IS.format(status=locked.get_status_display().lower()))
    locked.status = Assessment.Status.REQUESTED
    _new_link(locked)
    locked.save()
    _send_link(locked)
    return locked


ASSESSOR_IS_A_LEARNER = (
    "Ask someone who supervised the encounter: this address belongs to a learner (you cannot assess "
    "yourself or another learner)."
)


def _is_a_learners_address(email: str) -> bool:
    """Whether the address is a learner's own (on their record or their sign-in account)."""
    address = email.strip().lower()
    people = Person.objects.filter(Q(email__iexact=address) | Q(user__email__iexact=address))
    return people.filter(memberships__isnull=False).exists()


def _own_open(actor: User, assessment: Assessment) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("person", "type")
        .get(pk=assessment.pk)
    )
    if locked.person.user_id != actor.pk:
        raise PermissionDenied
    if locked.status != Assessment.Status.REQUESTED:
        raise ValidationError(ASSESSMENT_IS.format(status=locked.get_status_display().lower()))
    return locked


@transaction.atomic
def assessment_resend(*, actor: User, assessment: Assessment) -> Assessment:
    """A fresh link (for another 14 days); the old one stops working."""
    locked = _own_open(actor, assessment)
    _new_link(locked)
    locked.save()
    _send_link(locked)
    return locked


@transaction.atomic
def assessment_withdraw(*, actor: User, assessment: Assessment) -> Assessment:
    locked = _own_open(actor, assessment)
    locked.status = Assessment.Status.WITHDRAWN
    locked.link_nonce = ""
    locked.save()
    return locked


LINK_PROBLEMS = {
    "invalid": "This link is not valid. Check that you copied the whole address from the email.",
    "used": "This assessment has already been completed. Thank you.",
    "withdrawn": "The learner withdrew this request, so there is nothing to complete.",
    "replaced": "This link has been replaced by a newer one: use the most recent email.",
    "expired": "This link has expired. Ask the learner to send it again.",
}


def from_token(token: str) -> tuple[Assessment | None, str]:
    """The assessment a link opens, or a plain reason why it does not."""
    try:
        data = signing.loads(token, salt=_SALT)
        assessment = Assessment.objects.select_related("person", "type").get(pk=data["a"])
    except (signing.BadSignature, KeyError, TypeError, Assessment.DoesNotExist):
        return None, LINK_PROBLEMS["invalid"]
    if assessment.status == Assessment.Status.COMPLETED:
        return None, LINK_PROBLEMS["used"]
    if assessment.status == Assessment.Status.WITHDRAWN:
        return None, LINK_PROBLEMS["withdrawn"]
    if not assessment.link_nonce or data.get("n") != assessment.link_nonce:
        return None, LINK_PROBLEMS["replaced"]
    if assessment.link_expires_at is None or assessment.link_expires_at < timezone.now():
        return None, LINK_PROBLEMS["expired"]
    return assessment, ""


@transaction.atomic
def assessment_complete(*, token: str, answers: dict[str, Any]) -> Assessment:
    """The assessor's submission. Checked again under a lock, so a link works exactly once."""
    found, problem = from_token(token)
    if found is None:
        raise ValidationError(problem)
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).select_related("person__user").get(pk=found.pk)
    )
    if assessment.status != Assessment.Status.REQUESTED or assessment.link_nonce != found.link_nonce:
        raise ValidationError(LINK_PROBLEMS["used"])
    for name in ("judgement", "feedback", "assessor_name", "assessor_role", "assessor_registration"):
        setattr(assessment, name, (answers.get(name) or "").strip())
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.link_nonce = ""
    assessment.full_clean()
    assessment.save()
    if assessment.person.user is not None:
        notify(
            recipient=assessment.person.user,
            kind=ASSESSMENT_DONE.code,
            title=f"{assessment.assessor_name} completed your {assessment.type.code}",
            url=assessment.get_absolute_url(),
        )
    return assessment
