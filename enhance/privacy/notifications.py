"""Notification kinds of the privacy area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

DATA_EXPORT_READY = register("data_export_ready", "Copies of your data ready to download", urgent=True)
