from __future__ import annotations

from django.db.models import QuerySet

from enhance.accounts.models import User
from enhance.api.models import AccessToken


def tokens_of(user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).order_by("-created_at", "-pk")
