"""What every API operation shares: token authentication, scopes, paging with a total, and
one JSON shape for every error (a machine code, a message and the field, when there is one)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle, BaseThrottle
from pydantic import AfterValidator, StringConstraints, create_model

from enhance.api.models import AccessToken
from enhance.api.tokens import token_for_key

MAX_LIMIT = 200


def _in_utc(value: dt.datetime) -> dt.datetime:
    """A moment from a client, in UTC (a time without an offset is taken as UK time)."""
    if value.tzinfo is None:
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(MOMENT_OUT_OF_RANGE) from None


MOMENT_OUT_OF_RANGE = "The date and time are out of range."
Moment = Annotated[dt.datetime, AfterValidator(_in_utc)]

# A record's id from a client: a whole number the database's id column can hold.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Text from a client: no NUL characters (a database cannot store them), and not too long.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=500)]
SCOPE_MISSING = "This token may not use {scope}: create one with that scope."


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the request then acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_for_key(token)
        if found is not None:
            request.user = found.user
        return found


def throttles() -> list[BaseThrottle]:
    return [AuthRateThrottle(getattr(settings, "API_RATE_LIMIT", "600/m"))]


def require(request: HttpRequest, scope: str) -> Any:
    """The signed-in owner, if the token carries `scope` (403 otherwise)."""
    token: AccessToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise PermissionDenied(SCOPE_MISSING.format(scope=scope))
    return request.user


class ErrorItem(Schema):
    code: str
    message: str
    field: str | None = None
    row: int | None = None


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 429)}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    return {status: ok, **ERRORS}


def paged_schema(item: type[Schema]) -> type[Schema]:
    """`{total, limit, offset, items}` for a list of `item`."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(  # type: ignore[no-any-return, call-overload]
        name,
        __base__=Schema,
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


def page(qs: QuerySet[Any], paging: Paging) -> dict[str, Any]:
    """One page of an ordered queryset, with the total across every row."""
    return {
        "total": qs.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(qs[paging.offset : paging.offset + paging.limit]),
    }


def error(
    code: str, message: str, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict:
    return {"code": code, "message": message, "field": field, "errors": errors or []}


def validation_items(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"code": "invalid", "message": message, "field": None if field == "__all__" else field}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"code": "invalid", "message": message, "field": None} for message in exc.messages]


def install_handlers(api: Any) -> None:
    """Every 4xx the API gives is an ErrorOut; nothing a client sends becomes a 5xx."""
    from ninja.errors import AuthenticationError, HttpError, Throttled
    from ninja.errors import ValidationError as RequestInvalid

    @api.exception_handler(RequestInvalid)
    def request_invalid(request: HttpRequest, exc: RequestInvalid) -> Any:
        items = [
            {
                "code": "invalid",
                "message": str(e.get("msg", "Invalid value.")),
                "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
            }
            for e in exc.errors
        ]
        first = items[0] if items else {"message": "Invalid request.", "field": None}
        return api.create_response(
            request, error("invalid", str(first["message"]), first["field"], items), status=422
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> Any:
        items = validation_items(exc)
        body = error("invalid", items[0]["message"], items[0]["field"], items)
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> Any:
        message = "Send a valid, unexpired token: Authorization: Bearer <token>."
        return api.create_response(request, error("unauthenticated", message), status=401)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
        message = str(exc) or "This token's owner may not do that."
        return api.create_response(request, error("forbidden", message), status=403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> Any:
        return api.create_response(request, error("not_found", str(exc) or "Not found."), status=404)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> Any:
        message = "Too many requests for this token: wait and try again."
        return api.create_response(request, error("rate_limited", message), status=429)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> Any:
        return api.create_response(request, error("error", str(exc)), status=exc.status_code)
