"""Notification kinds of the evaluation area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

SURVEY = register("survey", "Confidence surveys to answer")
WORKBOOK_READY = register("evaluation_workbook_ready", "Evaluation workbooks ready to download")
