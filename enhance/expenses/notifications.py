"""Notification kinds of the expenses area.

Imported by the app's ready(), so the email choices page lists every kind whatever
was imported first."""

from enhance.notifications.kinds import register

CLAIM_SUBMITTED = register("claim_submitted", "Expense claims waiting for your approval")
CLAIM_DECIDED = register("claim_decided", "Decisions on your expense claims", urgent=True)
CLAIM_PAID = register("claim_paid", "Expense claims paid")
INSURANCE_EXPIRING = register("insurance_expiring", "Business-use car insurance about to expire")
