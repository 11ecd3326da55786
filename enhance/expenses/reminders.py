"""Daily reminders of the expenses area, each sent once: a claim waiting more than five
working days for a decision (to the learner's leads), and a driver's business-use insurance
expiring within 30 days (to the learner, once per expiry date, so mileage is not refused)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse

from enhance.core.dates import working_days_before
from enhance.expenses.models import Claim
from enhance.expenses.notifications import CLAIM_SUBMITTED, INSURANCE_EXPIRING
from enhance.notifications.services import Message, notify_many
from enhance.programmes.models import Membership
from enhance.programmes.services import chase_leads_once

CHASE_AFTER_WORKING_DAYS = 5
CLAIM_WAITING_TITLE = "A claim has waited since {since:%-d %B}: {person}, {month:%B %Y}"


def claim_chasers_send(today: dt.date) -> int:
    since = working_days_before(today, CHASE_AFTER_WORKING_DAYS)
    waiting = Claim.objects.filter(
        status=Claim.Status.SUBMITTED, submitted_at__date__lte=since, chased_at__isnull=True
    )
    return chase_leads_once(
        waiting,
        kind=CLAIM_SUBMITTED.code,
        title=lambda c: CLAIM_WAITING_TITLE.format(
            since=c.submitted_at, person=c.membership.person.full_name, month=c.month
        ),
        url=lambda c: c.get_absolute_url(),
    )


WARN_WITHIN = dt.timedelta(days=30)
INSURANCE_TITLE = "Your business-use car insurance expires on {date:%-d %B %Y}"
INSURANCE_BODY = "Mileage after that day needs new insurance: record its new expiry date in My details."


def insurance_reminders_send(today: dt.date) -> int:
    expiring = (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            holds_driving_licence=True,
            business_insurance_expires_on__gte=today,
            business_insurance_expires_on__lte=today + WARN_WITHIN,
            person__user__isnull=False,
        )
        .exclude(insurance_reminded_for=F("business_insurance_expires_on"))
        .select_related("person__user")
    )
    messages = []
    for m in expiring:
        if (
            not Membership.objects.filter(pk=m.pk)
            .exclude(insurance_reminded_for=m.business_insurance_expires_on)
            .update(insurance_reminded_for=m.business_insurance_expires_on)
        ):
            continue
        if m.person.user:
            title = INSURANCE_TITLE.format(date=m.business_insurance_expires_on)
            messages.append(Message(m.person.user, title, INSURANCE_BODY, reverse("programmes:my_details")))
    return len(notify_many(kind=INSURANCE_EXPIRING.code, messages=messages))
