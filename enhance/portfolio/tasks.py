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
