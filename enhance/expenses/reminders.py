"""Daily reminder: a claim waiting more than five working days for a decision, to the
learner's leads, once per claim."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from enhance.core.dates import working_days_before
from enhance.expenses.models import Claim
from enhance.expenses.notifications import CLAIM_SUBMITTED
from enhance.programmes.services import notify_leads

CHASE_AFTER_WORKING_DAYS = 5
CLAIM_WAITING_TITLE = "A claim has waited since {since:%-d %B}: {person}, {month:%B %Y}"


def claim_chasers_send(today: dt.date) -> int:
    since = working_days_before(today, CHASE_AFTER_WORKING_DAYS)
    sent = 0
    waiting = Claim.objects.filter(
        status=Claim.Status.SUBMITTED, submitted_at__date__lte=since, chased_at__isnull=True
    ).select_related("membership__person")
    for claim in waiting:
        if not Claim.objects.filter(pk=claim.pk, chased_at__isnull=True).update(chased_at=timezone.now()):
            continue
        title = CLAIM_WAITING_TITLE.format(
            since=claim.submitted_at, person=claim.membership.person.full_name, month=claim.month
        )
        sent += notify_leads(
            claim.membership, kind=CLAIM_SUBMITTED.code, title=title, url=claim.get_absolute_url()
        )
    return sent
