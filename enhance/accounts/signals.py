"""Account events from allauth that the app acts on."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.dispatch import receiver


@receiver(password_reset, dispatch_uid="email-verified-by-reset-link")
def email_verified_by_reset_link(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Setting a password through an emailed link (an invitation, or "Forgotten your password?")
    proves the person reads that address, which staff need before they add an authenticator."""
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
