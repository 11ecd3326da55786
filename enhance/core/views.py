from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors: answers without signing in."""
    return HttpResponse("ok", content_type="text/plain")
