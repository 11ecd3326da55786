"""Who may open which notification: only its recipient."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from enhance.accounts.models import User
from enhance.notifications.models import Notification


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def get_notification_for(user: User, pk: int, *, write: bool = False) -> Notification:
    found = notifications_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such notification.")
    return found
