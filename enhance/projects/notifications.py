"""Notification kinds of the immersive-experience and projects area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

MILESTONE_REMINDER = register("milestone_reminder", "Project milestones due soon or overdue")
PAIRED = register("partner_paired", "Your immersive-experience partner", urgent=True)
PARTNER_LEARNERS = register("partner_learners", "Learners paired with your organisation")
PAIRING_CHANGED = register(
    "pairing_changed", "Changes to immersive-experience pairs after confirmation", urgent=True
)
