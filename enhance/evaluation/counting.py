"""A measure's figures are counted in the background the first time a person asks for them
with a given choice of filters (nationally, two million register rows take seconds to group):
the page says they are being counted and updates itself, then shows them from the copy kept
for an hour (`tables.KEPT_FOR`)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from enhance.accounts.models import User
from enhance.evaluation.filters import Filters
from enhance.evaluation.measures import MEASURES
from enhance.evaluation.tables import Table, kept, key, ruled

COUNTING_FOR = 600  # after this long a count that never finished (or failed) may be asked for again
COUNTING, FAILED = "counting", "failed"


def _counting_key(user: User, slug: str, filters: Filters) -> str:
    return "counting:" + key(MEASURES[slug].build, user, filters)


def figures_or_counting(user: User, slug: str, filters: Filters) -> list[Table] | str:
    """The measure's tables if they are kept; otherwise COUNTING, once a count is under way (at
    most one per person, measure and filters at a time), or FAILED if the last count failed."""
    from enhance.evaluation.tasks import count_measure

    build, key = MEASURES[slug].build, _counting_key(user, slug, filters)
    found = kept(build, user, filters)
    if found is None and cache.add(key, COUNTING, COUNTING_FOR):
        count_measure.enqueue(user_id=user.pk, slug=slug, filters=filters.as_dict())
        found = kept(build, user, filters)  # a worker that runs at once has counted them already
    return found if found is not None else cache.get(key, COUNTING)


def measure_count(user_id: int, slug: str, filters: dict[str, Any]) -> str:
    """Count one measure's tables for a person and keep them (the background task)."""
    user = User.objects.get(pk=user_id)
    chosen = Filters.from_dict(filters)
    key = _counting_key(user, slug, chosen)
    try:
        tables = ruled(MEASURES[slug].build, user, chosen)
    except Exception:  # the page says so rather than waiting for ever
        cache.set(key, FAILED, COUNTING_FOR)
        raise
    cache.delete(key)
    return f"{len(tables)} tables"
