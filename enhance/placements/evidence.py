"""Evidence the placements area gives to ARCP requirements: confirmed clinics."""

from __future__ import annotations

from typing import Any

from enhance.core.evidence import Counted, Window, rule_kind
from enhance.placements.models import ClinicEntry


@rule_kind("clinics", "Confirmed clinics attended", "confirmed clinics")
def count_clinics(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    out = {m.pk: Counted(0) for m in memberships}
    if not memberships:
        return out
    first = min(w.start for w in windows.values())
    entries = ClinicEntry.objects.filter(
        placement__membership__in=[m.pk for m in memberships],
        status=ClinicEntry.Status.CONFIRMED,
        date__gte=first,
    ).select_related("clinic_type", "placement")
    for e in entries:
        mid = e.placement.membership_id
        if windows[mid].holds(e.date):
            out[mid].count += 1
            out[mid].evidence.append(f"{e.date:%d %b %Y}: {e.clinic_type}")
    return out
