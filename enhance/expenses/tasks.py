from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily


@daily("expenses_claim_chasers", at=dt.time(7, 50))
@task()
def send_claim_chasers() -> int:
    """Each morning: claims waiting five working days to the leads; insurance about to expire."""
    from enhance.expenses.reminders import claim_chasers_send, insurance_reminders_send

    today = timezone.localdate()
    return claim_chasers_send(today) + insurance_reminders_send(today)
