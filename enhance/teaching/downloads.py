"""The teaching lists a lead can download (see core.downloads): the attendance list as
filtered, and a session's register."""

from __future__ import annotations

from django.http import QueryDict

from enhance.accounts.models import User
from enhance.core.downloads import Sheet
from enhance.programmes.access import programmes_visible_to
from enhance.teaching import access, selectors
from enhance.teaching.forms import AttendanceFilterForm


def attendance_sheet(user: User, query: QueryDict, pk: int | None = None) -> Sheet:
    """Every learner of the attendance list as filtered, with their figures."""
    access.ensure_sees_attendance(user)
    form = AttendanceFilterForm(query or None, programmes=programmes_visible_to(user))
    selectors.attendance_waiting(user)
    learners = selectors.learners_for_attendance(user, form.filters())
    rows = selectors.attendance_export_rows(learners)
    return Sheet(rows=rows, filename="attendance", title="Attendance", size=learners.count)


def register_sheet(user: User, query: QueryDict, pk: int | None = None) -> Sheet:
    """Every learner a session expects, with what the register says of them."""
    session = access.get_register_session_for(user, pk or 0)
    rows = selectors.register_export_rows(session)
    size = selectors.register_learners(session).count
    return Sheet(rows=rows, filename=f"register-{session.pk}", title="Register", size=size)
