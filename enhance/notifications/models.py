from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest_pending = models.BooleanField(default=False, help_text="Waiting for the recipient's daily digest.")
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField("last email error", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class EmailPreference(models.Model):
    """A person's choice to receive (or not) email for one non-urgent kind. No row: email on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=50)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_email_preference_per_kind"),
        ]


class EmailSettings(models.Model):
    """How a person receives the emails they chose: one by one (no row) or a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="email_settings"
    )
    digest = models.BooleanField("one email a day", default=False)
