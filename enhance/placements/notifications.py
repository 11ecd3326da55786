"""Notification kinds of the placements area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

ALLOCATION_FINISHED = register("allocation_finished", "Allocation runs you started")
PLACEMENT_PUBLISHED = register("placement_published", "Your community placement", urgent=True)
PLACEMENT_INCOMING = register("placement_incoming", "Learners coming to your opportunities")
CLINIC_QUERIED = register("clinic_queried", "Questions about clinics you logged")
PREFERENCES_CLOSING = register("preferences_closing", "Reminders to rank placements before ranking closes")
CLINIC_ANSWERED = register("clinic_answered", "Answers to clinics you queried")
PLACEMENT_CHANGED = register("placement_changed", "Changes to placements after publication", urgent=True)
