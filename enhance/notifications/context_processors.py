from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from enhance.notifications.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
