from __future__ import annotations

import datetime as dt

from django_tasks import task

from enhance.core.scheduling import daily


@daily("portfolio_readiness_refresh", at=dt.time(2, 45))
@task()
def refresh_readiness() -> int:
    """Each night: every active learner's readiness recomputed for the new day."""
    from enhance.portfolio.readiness import refresh_all

    return refresh_all()


@daily("portfolio_reminders", at=dt.time(7, 55))
@task()
def send_reminders() -> int:
    """Each morning: assessors to chase; learners red eight weeks before their ARCP."""
    from django.utils import timezone

    from enhance.portfolio.reminders import arcp_red_warnings_send, assessor_chasers_send

    return assessor_chasers_send(timezone.now()) + arcp_red_warnings_send(timezone.localdate())
