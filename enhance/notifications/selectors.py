"""Reads for the notification pages."""

from __future__ import annotations

from django.db.models import QuerySet

from enhance.accounts.models import User
from enhance.notifications.access import notifications_visible_to
from enhance.notifications.models import EmailPreference, EmailSettings, Notification


def notifications_newest_first(user: User) -> QuerySet[Notification]:
    return notifications_visible_to(user).order_by("-created_at", "-id")


def email_choices_of(user: User) -> dict[str, bool]:
    """The kinds this person has switched email on or off for (missing: the kind's default)."""
    return dict(EmailPreference.objects.filter(user=user).values_list("kind", "email"))


def wants_digest(user: User) -> bool:
    return EmailSettings.objects.filter(user=user, digest=True).exists()
