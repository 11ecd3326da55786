"""notify(): the one way any area tells a person something."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications import kinds
from enhance.notifications.models import EmailPreference, Notification


def wants_email(user: User, kind: kinds.Kind) -> bool:
    if kind.urgent:
        return True
    pref = EmailPreference.objects.filter(user=user, kind=kind.code).values_list("email", flat=True).first()
    return True if pref is None else pref


@transaction.atomic
def notify(*, recipient: User, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Record an in-app notification and, after the transaction commits, queue its email
    when the kind is urgent or the recipient wants email for it."""
    kind_obj = kinds.get(kind)
    notification = Notification.objects.create(
        recipient=recipient, kind=kind_obj.code, title=title, body=body, url=url
    )
    if recipient.is_active and wants_email(recipient, kind_obj):
        from enhance.notifications.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(notification_id=notification.pk))
    return notification


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ids is None)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, actor: User, choices: dict[str, bool]) -> None:
    for code, email in choices.items():
        kind = kinds.get(code)
        if kind.urgent:
            continue
        EmailPreference.objects.update_or_create(user=actor, kind=code, defaults={"email": email})
