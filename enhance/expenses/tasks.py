from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily


@daily("expenses_claim_chasers", at=dt.time(7, 50))
@task()
def send_claim_chasers() -> int:
    """Each morning: claims waiting more than five working days, to the learner's leads."""
    from enhance.expenses.reminders import claim_chasers_send

    return claim_chasers_send(timezone.localdate())
