"""The teaching services: every write about sessions, attendance, bookings, feedback and
study leave goes through these (views, commands and tasks call them; none holds rules).

Each sub-area has its own module; the names below are the app's service API."""

from __future__ import annotations

from enhance.teaching.services.attendance import (
    CHECKIN_CLOSES,
    CHECKIN_OPENS,
    CODE_PERIOD,
    LATE_AFTER,
    SECOND_ABSENCE,
    apologies_send,
    check_in,
    checkin_window,
    code_for_display,
    current_window,
    out_of_reach_alerts_send,
    qr_token,
    register_close,
    register_save,
    typed_code,
)
from enhance.teaching.services.bookings import (
    PLACE_OFFERED,
    place_book,
    place_cancel,
)
from enhance.teaching.services.feedback import (
    FEEDBACK_OPENS_BEFORE_END,
    FEEDBACK_REQUEST,
    feedback_give,
    feedback_requests_send,
)
from enhance.teaching.services.leave import (
    F1_SHARE,
    LEAVE_DECIDED,
    LEAVE_REQUESTED,
    Balance,
    balance,
    excuse_absences,
    leave_decide,
    leave_request_submit,
    leave_withdraw,
    leave_year_start,
    on_approved_leave,
    working_days,
)
from enhance.teaching.services.sessions import (
    MATERIAL_MAX_BYTES,
    SESSION_CHANGED,
    material_add,
    session_cancel,
    session_series_create,
    session_update,
)

__all__ = [
    "Balance",
    "CHECKIN_CLOSES",
    "CHECKIN_OPENS",
    "CODE_PERIOD",
    "F1_SHARE",
    "FEEDBACK_OPENS_BEFORE_END",
    "FEEDBACK_REQUEST",
    "LATE_AFTER",
    "LEAVE_DECIDED",
    "LEAVE_REQUESTED",
    "MATERIAL_MAX_BYTES",
    "PLACE_OFFERED",
    "SECOND_ABSENCE",
    "SESSION_CHANGED",
    "apologies_send",
    "balance",
    "check_in",
    "checkin_window",
    "code_for_display",
    "current_window",
    "excuse_absences",
    "feedback_give",
    "feedback_requests_send",
    "leave_decide",
    "leave_withdraw",
    "leave_request_submit",
    "leave_year_start",
    "material_add",
    "on_approved_leave",
    "out_of_reach_alerts_send",
    "place_book",
    "place_cancel",
    "qr_token",
    "register_close",
    "register_save",
    "session_cancel",
    "session_series_create",
    "session_update",
    "typed_code",
    "working_days",
]
