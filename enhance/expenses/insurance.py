"""Daily reminder: a driver's business-use insurance expires within 30 days, once per expiry
date, so mileage claims are not refused."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.urls import reverse

from enhance.expenses.notifications import INSURANCE_EXPIRING
from enhance.notifications.services import Message, notify_many
from enhance.programmes.models import Membership

WARN_WITHIN = dt.timedelta(days=30)
INSURANCE_TITLE = "Your business-use car insurance expires on {date:%-d %B %Y}"
INSURANCE_BODY = "Mileage after that day needs new insurance: ask your programme team to record the new date."


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
            messages.append(Message(m.person.user, title, INSURANCE_BODY, reverse("expenses:my_claims")))
    return len(notify_many(kind=INSURANCE_EXPIRING.code, messages=messages))
