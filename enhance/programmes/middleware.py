from __future__ import annotations

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from enhance.accounts.selectors import authenticator_app_of
from enhance.programmes.access import scope_for

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/health", "/assess/")


def session_used_second_factor(request: HttpRequest) -> bool:
    """Whether this session's sign-in included the authenticator code (or set one up), or came
    through a single sign-on service configured as already needing two factors."""
    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
    methods = {record.get("method") for record in records}
    return "mfa" in methods or (settings.OIDC_COUNTS_AS_SECOND_FACTOR and "socialaccount" in methods)


class StaffMfaRequiredMiddleware:
    """Every staff role (and every Django staff account) works with two factors: until the
    person has set up an authenticator app, every page sends them to the set-up page; a
    session that signed in without the code (by any route) is ended and sent to sign in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and (user.is_staff or user.is_superuser or scope_for(user).is_staff)  # type: ignore[arg-type]
        ):
            if authenticator_app_of(user) is None:  # type: ignore[arg-type]
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            if not session_used_second_factor(request):
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
