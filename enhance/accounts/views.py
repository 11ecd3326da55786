"""Sign-in pages that differ from allauth's own."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp.views import ActivateTOTPView
from django.http import HttpResponse

from enhance.accounts.selectors import authenticator_app_of


class ActivateAuthenticatorView(ActivateTOTPView):
    """Setting up the authenticator app. The valid code entered here proves possession just as
    the sign-in step does, so it counts as this session's second factor: staff carry on to
    their pages without signing in again (enhance.programmes.middleware checks for it)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        authenticator = authenticator_app_of(self.request.user)  # type: ignore[arg-type]
        assert authenticator is not None  # just activated
        record_authentication(self.request, self.request.user, "mfa", id=authenticator.pk, type="totp")
        return response


activate_authenticator = ActivateAuthenticatorView.as_view()
