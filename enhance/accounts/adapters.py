from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render

from enhance.accounts.models import User

SSO_NO_ACCOUNT = (
    "There is no enhance account for the email address your sign-in service gave. Ask your "
    "programme lead to add you, then sign in again."
)


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by programme staff (or an import), never by self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        mfa = "allauth.mfa.stages.AuthenticateStage"
        return [
            "enhance.accounts.sso.SecondFactorStage" if s == mfa else s for s in super().get_login_stages()
        ]


def claimed_email(extra_data: dict[str, Any]) -> str:
    """The email address in the configured claim of the ID token (or of the user info)."""
    claim = settings.OIDC_EMAIL_CLAIM
    for part in ("id_token", "userinfo"):
        value = (extra_data.get(part) or {}).get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on signs in people who already have an account, matched by the email
    claim; it never creates one. Unknown people are told, and nothing is stored."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        email = claimed_email(sociallogin.account.extra_data)
        user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        if user is None:
            page = render(request, "account/sso_refused.html", {"message": SSO_NO_ACCOUNT}, status=403)
            raise ImmediateHttpResponse(page)
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
