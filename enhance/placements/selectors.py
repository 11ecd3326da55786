"""Reads of placement data that other pages and areas count."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from enhance.placements.models import ClinicEntry
from enhance.programmes.models import Membership


def training_year_label(day) -> str:  # type: ignore[no-untyped-def]
    """Training years run from the August changeover: 2026/27 is August 2026 to July 2027."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def confirmed_clinics_by_year(memberships: QuerySet[Membership]) -> list[tuple[str, int]]:
    """Confirmed clinic attendances per training year, for ARCP evidence."""
    days = ClinicEntry.objects.filter(
        placement__membership__in=memberships, status=ClinicEntry.Status.CONFIRMED
    ).values_list("date", flat=True)
    counts = Counter(training_year_label(d) for d in days)
    return sorted(counts.items())
