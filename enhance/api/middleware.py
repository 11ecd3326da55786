"""Every 4xx under /api/ is JSON in the API's error shape, including the ones Django answers
before the API sees the request (an unknown address, a method the address does not take)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from enhance.api.base import error

CODES = {
    404: ("not_found", "No such address in the API."),
    405: ("method_not_allowed", "This address does not take that method."),
}


class JsonApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        known = CODES.get(response.status_code)
        if (
            known is None
            or not request.path.startswith("/api/")
            or "json" in response.get("Content-Type", "")
        ):
            return response
        replaced = JsonResponse(error(*known), status=response.status_code)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced
