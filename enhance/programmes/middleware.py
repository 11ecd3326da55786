from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from enhance.programmes.access import scope_for

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/health", "/assess/")


class StaffMfaRequiredMiddleware:
    """Every staff role must sign in with two factors: until a staff user has set up an
    authenticator app, every page sends them to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and scope_for(user).is_staff  # type: ignore[arg-type]
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
