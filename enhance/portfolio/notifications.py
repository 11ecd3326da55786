"""Notification kinds of the portfolio area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

ASSESSMENT_DONE = register("assessment_completed", "Assessments completed for you")
PACK_READY = register("evidence_pack_ready", "Evidence packs ready to download")
REFLECTION_SHARED = register("reflection_shared", "Reflections shared with you")
REFLECTION_COMMENT = register("reflection_comment", "Comments on your reflections")
ASSESSOR_APPROVAL = register("assessor_approval", "Assessors waiting for your approval")
ARCP_RED = register("arcp_red", "ARCP in eight weeks with requirements still to meet", urgent=True)
