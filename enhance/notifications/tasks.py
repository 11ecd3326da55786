from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from enhance.core.scheduling import daily
from enhance.notifications.models import Notification

logger = logging.getLogger(__name__)

FOOTER = (
    "You can choose which emails you get, and whether they come as one daily email, in your enhance settings."
)
DIGEST_SUBJECT = "enhance: {count} new since yesterday"
DIGEST_LIMIT = 100


EMAILS_AT_ONCE = 500


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email a batch of notifications (from notify_many) over one connection to the mail
    server, claimed a chunk at a time (each claimed once, by whichever worker gets there
    first) and each retried on its own when the mail server refuses it. When no connection can
    be opened, each is tried (and retried) alone."""
    connection = _open_connection()
    try:
        sent = 0
        for start in range(0, len(notification_ids), EMAILS_AT_ONCE):
            for notification in _claim(notification_ids[start : start + EMAILS_AT_ONCE]):
                sent += _deliver(notification, 1, connection)
        return sent
    finally:
        if connection is not None:
            connection.close()


@transaction.atomic
def _claim(ids: list[int]) -> list[Notification]:
    """Those of these notifications not emailed yet, marked as being emailed (two queries);
    those another worker is claiming at this moment are left to it."""
    waiting = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
    found = list(waiting.select_for_update(skip_locked=True, of=("self",)).select_related("recipient"))
    Notification.objects.filter(pk__in=[n.pk for n in found]).update(emailed_at=timezone.now())
    return found


def _open_connection() -> BaseEmailBackend | None:
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        return None
    return connection


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> bool:
    """Email one notification. Claims it with a conditional update so that two workers never
    send the same email twice; a failed send gives the claim back and tries again later."""
    return _send(notification_id, attempt, None)


def _send(notification_id: int, attempt: int, connection: BaseEmailBackend | None) -> bool:
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    return _deliver(notification, attempt, connection)


def _deliver(notification: Notification, attempt: int, connection: BaseEmailBackend | None) -> bool:
    """Send a claimed notification; a refusal gives the claim back and tries again later."""
    notification_id = notification.pk
    link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
    footer = FOOTER
    try:
        send_mail(
            subject=f"enhance: {notification.title}",
            message=f"{notification.body}{link}\n\n{footer}",
            from_email=None,
            recipient_list=[notification.recipient.email],
            connection=connection,
        )
        if attempt > 1:
            Notification.objects.filter(pk=notification_id).update(email_attempts=attempt, email_error="")
    except (smtplib.SMTPException, OSError) as exc:
        # A mail server that is down or refuses for a while: try again after the configured
        # waits, then give up (the notification stays in the app with `emailed_at` empty).
        Notification.objects.filter(pk=notification_id).update(
            emailed_at=None, email_attempts=attempt, email_error=str(exc)[:300]
        )
        waits = settings.EMAIL_RETRY_SECONDS
        if attempt > len(waits):
            logger.error(
                "Gave up emailing notification %s after %s attempts: %s", notification_id, attempt, exc
            )
            return False
        wait = dt.timedelta(seconds=waits[attempt - 1])
        logger.warning("Emailing notification %s failed (%s); trying again in %s", notification_id, exc, wait)
        send_notification_email.using(run_after=timezone.now() + wait).enqueue(
            notification_id=notification_id, attempt=attempt + 1
        )
        return False
    return True


@daily("notifications_digest", at=dt.time(17, 30))
@task()
def send_digests() -> int:
    """Each evening: one email per person who chose a daily digest, listing what came since
    the last one. Claimed like single emails; a refused digest is tried again the next day."""
    pending = Notification.objects.filter(digest_pending=True, emailed_at__isnull=True)
    sent = 0
    for user_id in pending.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"):
        items = list(
            pending.filter(recipient_id=user_id).select_related("recipient").order_by("created_at", "pk")
        )
        items = items[:DIGEST_LIMIT]
        ids = [n.pk for n in items]
        if not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        lines = [f"- {n.title}" + (f"\n  {settings.SITE_URL}{n.url}" if n.url else "") for n in items]
        try:
            send_mail(
                subject=DIGEST_SUBJECT.format(count=len(items)),
                message="\n".join(lines) + f"\n\n{FOOTER}",
                from_email=None,
                recipient_list=[items[0].recipient.email],
            )
        except (smtplib.SMTPException, OSError) as exc:
            Notification.objects.filter(pk__in=ids).update(emailed_at=None, email_error=str(exc)[:300])
            logger.warning("Daily digest for user %s failed (%s); trying again tomorrow", user_id, exc)
            continue
        Notification.objects.filter(pk__in=ids).update(digest_pending=False)
        sent += 1
    return sent
