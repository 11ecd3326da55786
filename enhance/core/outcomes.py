"""One way for a view to run a service and tell the person what happened on the next page:
the success message, or the service's own words on why not (its ValidationError). Errors
that belong next to a form field go through enhance.core.forms.add_service_errors instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def run_and_report(
    request: HttpRequest,
    service: Callable[..., Any],
    done: str | Callable[[Any], str] | None = None,
    **kwargs: Any,
) -> bool:
    """Call `service(actor=request.user, **kwargs)`; add `done` (or `done(result)`, or, without
    `done`, the result itself: services that say what they did) as a success message, or the
    ValidationError's messages as an error. True when the service succeeded."""
    try:
        result = service(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, str(result) if done is None else done(result) if callable(done) else done)
    return True
