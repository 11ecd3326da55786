"""The versioned JSON API, /api/v1/: its OpenAPI document at /api/v1/openapi.json and browsable
docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from ninja import NinjaAPI

from enhance.api import people, work
from enhance.api.base import TokenAuth, install_handlers, throttles

api = NinjaAPI(
    title="enhance API",
    version="1",
    description=(
        "Programmes, learners, teaching, placements, projects, claims and readiness, scoped to the "
        "token's owner exactly as the pages are. Send `Authorization: Bearer <token>`; create a "
        "token on your account's API tokens page. Lists take `limit` and `offset` and give `total`."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=throttles(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/", people.router)
api.add_router("/", work.router)


def urlpatterns() -> list[Any]:
    """The API's URLs. The API answers for itself (401 as JSON, not a sign-in redirect), so its
    views are exempt from the site's sign-in requirement."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)  # type: ignore[type-var]
    return [path("", include((patterns, app_name), namespace=namespace))]
