"""Request typing: every view behind LoginRequiredMiddleware sees a signed-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from enhance.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
