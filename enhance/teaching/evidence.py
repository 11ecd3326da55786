"""Evidence the teaching area gives to ARCP requirements: attendance at enhance sessions."""

from __future__ import annotations

from typing import Any

from enhance.core.evidence import Counted, Window, rule_kind
from enhance.teaching.selectors import attendance_summaries


@rule_kind("attendance", "Attendance at enhance sessions (percent)", "attendance", scaled=False, percent=True)
def count_attendance(rule: Any, memberships: list[Any], windows: dict[int, Window]) -> dict[int, Counted]:
    summaries = attendance_summaries(memberships, windows=windows)
    return {
        m.pk: Counted(
            summaries[m.pk]["rate"] or 0,
            [f"{summaries[m.pk]['attended']} of {summaries[m.pk]['expected']} sessions"],
        )
        for m in memberships
    }
