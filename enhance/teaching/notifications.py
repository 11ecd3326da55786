"""Notification kinds of the teaching (sessions, attendance, bookings, feedback, study leave) area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

FEEDBACK_REQUEST = register("session_feedback", "Requests for feedback on sessions you attended")
PLACE_OFFERED = register("place_offered", "Places freed up at sessions", urgent=True)
LEAVE_DECIDED = register("leave_decided", "Decisions on your study leave", urgent=True)
LEAVE_REQUESTED = register("leave_requested", "Study leave waiting for your decision")
SECOND_ABSENCE = register("second_absence", "Learners absent twice in a row", urgent=True)
SESSION_CHANGED = register("session_changed", "Changes to teaching sessions", urgent=True)
OUT_OF_REACH = register(
    "attendance_out_of_reach", "Attendance that can no longer reach the threshold", urgent=True
)
SESSION_TOMORROW = register("session_tomorrow", "Reminders of tomorrow's sessions")
