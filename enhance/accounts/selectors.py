"""Reads about sign-in identities."""

from __future__ import annotations

from allauth.mfa.models import Authenticator

from enhance.accounts.models import User


def authenticator_app_of(user: User) -> Authenticator | None:
    """The person's authenticator app (TOTP), if they have set one up."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
