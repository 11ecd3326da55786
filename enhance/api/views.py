from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enhance.accounts.http import AuthedHttpRequest
from enhance.api import access, selectors
from enhance.api import tokens as services
from enhance.api.forms import TokenForm
from enhance.core.forms import add_service_errors
from enhance.core.paging import page_of

JUST_CREATED = "api_just_created"
REVOKED = "Token {name} revoked: it no longer opens the API."


@require_http_methods(["GET", "POST"])
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    """Personal access tokens: create one, list, revoke. A new token is shown once, on the page
    the creation leads to, and is gone from the session as soon as it has been shown."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.token_create(actor=request.user, **form.service_fields())  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)), form)
        else:
            request.session[JUST_CREATED] = {"name": token.name, "key": key}
            return redirect("api_tokens")
    made = request.session.pop(JUST_CREATED, None) if request.method == "GET" else None
    context = {"form": form, "made": made, "page": page_of(request, selectors.tokens_of(request.user))}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = services.token_revoke(actor=request.user, token=access.get_own_token_for(request.user, pk))
    messages.success(request, REVOKED.format(name=token.name))
    return redirect("api_tokens")
