"""Readable audit trails from django-simple-history records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

IGNORED = {
    "id",
    "version",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    what: str


def audit_entries(records: list[Any], label: str) -> list[AuditEntry]:
    """One entry per historical record, naming the fields each change touched. Records of
    several objects may be mixed; each is compared with the previous record of the same object."""
    entries = []
    records = sorted(records, key=lambda r: (r.id, r.history_date))
    for _, group in groupby(records, key=lambda r: r.id):
        previous = None
        for record in group:
            who = str(record.history_user) if record.history_user_id else "System"
            if record.history_type == "+":
                what = f"{label} created"
            elif record.history_type == "-":
                what = f"{label} deleted"
            else:
                fields = [
                    f.verbose_name
                    for f in record.instance_type._meta.concrete_fields
                    if f.attname not in IGNORED
                    and previous is not None
                    and getattr(record, f.attname) != getattr(previous, f.attname)
                ]
                what = f"{label} changed: {', '.join(fields)}" if fields else f"{label} saved, no change"
            entries.append(AuditEntry(when=record.history_date, who=who, what=what))
            previous = record
    return entries
