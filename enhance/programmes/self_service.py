"""What learners change about themselves: how they are named and reached, the adjustments they
share with their leads, and their driving licence and business-use insurance (with its
certificate), which mileage claims rely on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.uploads import JPEG, PDF, PNG, sniff
from enhance.core.validation import save_valid
from enhance.programmes.models import Membership
from enhance.programmes.services import person_update

ONLY_YOUR_OWN_DETAILS = "You can change only your own details."
INSURANCE_EXPIRED = "Enter an expiry date that has not passed."
INSURANCE_NEEDS_LICENCE = "Business-use insurance is for drivers: tick that you hold a full driving licence."
LICENCE_CHECK_IN_FUTURE = "The date the licence was checked cannot be in the future."
CERTIFICATE_EMPTY = "The certificate file is empty."
CERTIFICATE_TOO_BIG = "The certificate must be smaller than 5 MB."
CERTIFICATE_WRONG_TYPE = "Upload the certificate as a PDF, JPEG or PNG file."
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024

PERSON_FIELDS = ("preferred_name", "pronouns", "phone", "adjustments")
MEMBERSHIP_FIELDS = ("holds_driving_licence", "licence_checked_on", "business_insurance_expires_on")


def _check(fields: dict[str, Any], certificate: Any, today: dt.date) -> str:
    errors: dict[str, str] = {}
    expires = fields.get("business_insurance_expires_on")
    if expires and expires < today:
        errors["business_insurance_expires_on"] = INSURANCE_EXPIRED
    if expires and not fields.get("holds_driving_licence"):
        errors["holds_driving_licence"] = INSURANCE_NEEDS_LICENCE
    checked = fields.get("licence_checked_on")
    if checked and checked > today:
        errors["licence_checked_on"] = LICENCE_CHECK_IN_FUTURE
    content_type = ""
    if certificate:
        try:
            content_type = sniff(
                certificate,
                [PDF, JPEG, PNG],
                max_bytes=CERTIFICATE_MAX_BYTES,
                empty=CERTIFICATE_EMPTY,
                too_big=CERTIFICATE_TOO_BIG,
                wrong_type=CERTIFICATE_WRONG_TYPE,
            )
        except ValidationError as exc:
            errors["insurance_certificate"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return content_type


@transaction.atomic
def my_details_update(
    *, actor: User, membership: Membership, certificate: Any = None, **fields: Any
) -> Membership:
    """Save the learner's own details; every field is checked before anything changes."""
    if membership.person.user_id != actor.pk:
        raise PermissionDenied(ONLY_YOUR_OWN_DETAILS)
    content_type = _check(fields, certificate, timezone.localdate())
    person_update(
        actor=actor, person=membership.person, **{k: fields[k] for k in PERSON_FIELDS if k in fields}
    )
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    for name in MEMBERSHIP_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    if certificate:
        locked.insurance_certificate.save(certificate.name, certificate, save=False)
        locked.insurance_certificate_type = content_type
    save_valid(locked)
    return locked
