from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily
from enhance.notifications.models import Notification


@task()
def send_notification_email(notification_id: int) -> bool:
    """Email one notification. Claims it with a conditional update so that two workers never
    send the same email twice."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
    send_mail(
        subject=f"enhance: {notification.title}",
        message=f"{notification.body}{link}\n\nYou can choose which emails you get in your enhance settings.",
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    return True


@daily("notifications_prune", at=dt.time(3, 0))
@task()
def prune_read_notifications(days: int = 180) -> int:
    """Delete notifications that were read more than `days` days ago."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
