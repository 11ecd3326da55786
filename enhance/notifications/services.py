"""notify(): the one way any area tells a person something."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.bulk import insert_many
from enhance.notifications import kinds
from enhance.notifications.models import EmailPreference, EmailSettings, Notification


def wants_email(user: User, kind: kinds.Kind) -> bool:
    if kind.urgent:
        return True
    pref = EmailPreference.objects.filter(user=user, kind=kind.code).values_list("email", flat=True).first()
    return True if pref is None else pref


FEW = 1000  # past this many recipients, everyone's choices are read rather than a list of ids


def _of(users: QuerySet[Any], user_ids: list[int]) -> set[int]:
    """Which of these users are in `users` (rows holding a user_id)."""
    chosen = users.filter(user_id__in=user_ids) if len(user_ids) <= FEW else users
    return set(chosen.values_list("user_id", flat=True)) & set(user_ids)


def _digest_users(user_ids: list[int]) -> set[int]:
    return _of(EmailSettings.objects.filter(digest=True), user_ids)


@transaction.atomic
def notify(*, recipient: User, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Record an in-app notification and, after the transaction commits, queue its email
    when the kind is urgent or the recipient wants email for it (or keep it for their daily
    digest, when they chose one and it is not urgent)."""
    kind_obj = kinds.get(kind)
    wanted = recipient.is_active and wants_email(recipient, kind_obj)
    digest = wanted and not kind_obj.urgent and bool(_digest_users([recipient.pk]))
    notification = Notification.objects.create(
        recipient=recipient, kind=kind_obj.code, title=title, body=body, url=url, digest_pending=digest
    )
    if wanted and not digest:
        from enhance.notifications.tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(notification_id=notification.pk))
    return notification


@dataclass(frozen=True)
class To:
    """A recipient as a job telling thousands reads them: the user's id and whether they are
    active, without building each user."""

    pk: int
    is_active: bool


@dataclass(frozen=True)
class Message:
    recipient: User | To
    title: str
    body: str = ""
    url: str = ""


@transaction.atomic
def notify_many(*, kind: str, messages: Iterable[Message]) -> list[Notification]:
    """Record any number of notifications of one kind in a fixed number of queries, and queue
    one background task to email those whose recipients want email for it."""
    kind_obj = kinds.get(kind)
    messages = list(messages)
    if not messages:
        return []
    declined: set[int] = set()
    digest: set[int] = set()
    if not kind_obj.urgent:
        ids = [m.recipient.pk for m in messages]
        declined = _of(EmailPreference.objects.filter(kind=kind_obj.code, email=False), ids)
        digest = _digest_users(ids) - declined
    created = insert_many(
        Notification,
        [
            Notification(
                recipient_id=m.recipient.pk,
                kind=kind_obj.code,
                title=m.title,
                body=m.body,
                url=m.url,
                digest_pending=m.recipient.is_active and m.recipient.pk in digest,
            )
            for m in messages
        ],
    )
    not_now = declined | digest
    to_email = [
        n.pk
        for n, m in zip(created, messages, strict=True)
        if m.recipient.is_active and m.recipient.pk not in not_now
    ]
    if to_email:
        from enhance.notifications.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(notification_ids=to_email))
    return created


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ids is None)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_set(*, actor: User, choices: dict[str, bool], digest: bool | None = None) -> None:
    """Which non-urgent kinds come by email, and (when given) whether as a daily digest."""
    if digest is not None:
        EmailSettings.objects.update_or_create(user=actor, defaults={"digest": digest})
    for code, email in choices.items():
        kind = kinds.get(code)
        if kind.urgent:
            continue
        EmailPreference.objects.update_or_create(user=actor, kind=code, defaults={"email": email})
