"""Messages from leads to a programme, a cohort or a locality: previewed (who will receive
it), then recorded and delivered in the background, in the app and by email."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from enhance.accounts.models import User
from enhance.notifications import kinds
from enhance.notifications.services import Message, notify_many
from enhance.programmes.access import memberships_manageable_by
from enhance.programmes.models import Announcement, Cohort, Locality, Membership, Programme
from enhance.programmes.services import check_can_manage

NOBODY_TO_TELL = "Nobody you lead is in that audience yet: choose another programme, cohort or locality."
NOT_IN_PROGRAMME = "Choose a cohort and locality of the chosen programme."
ALREADY_SENT = "This message was sent a moment ago: it goes only once."
RESEND_GUARD = dt.timedelta(minutes=10)


def recipients(
    actor: User, programme: Programme, cohort: Cohort | None = None, locality: Locality | None = None
) -> QuerySet[Membership]:
    """The active learners the message would reach: those of the audience the actor leads,
    with an account."""
    qs = memberships_manageable_by(actor).filter(
        programme=programme, status=Membership.Status.ACTIVE, person__user__isnull=False
    )
    if cohort is not None:
        qs = qs.filter(cohort=cohort)
    if locality is not None:
        qs = qs.filter(locality=locality)
    return qs.select_related("person").order_by("person__surname", "person__forename", "pk")


def _check(actor: User, programme: Programme, cohort: Cohort | None, locality: Locality | None) -> int:
    if any(x is not None and x.programme_id != programme.pk for x in (cohort, locality)):
        raise ValidationError(NOT_IN_PROGRAMME)
    check_can_manage(actor, programme, locality)
    count = recipients(actor, programme, cohort, locality).count()
    if not count:
        raise ValidationError(NOBODY_TO_TELL)
    return count


def preview(
    actor: User, programme: Programme, cohort: Cohort | None = None, locality: Locality | None = None
) -> dict[str, object]:
    """Who the message would reach: how many, and the first names of the list."""
    count = _check(actor, programme, cohort, locality)
    shown = [m.person.full_name for m in recipients(actor, programme, cohort, locality)[:10]]
    return {"count": count, "names": shown}


def announcements_of(actor: User) -> QuerySet[Announcement]:
    """Messages sent to audiences this person leads (their own and their fellow leads')."""
    mine = memberships_manageable_by(actor).values("programme_id")
    return Announcement.objects.filter(programme_id__in=mine).select_related(
        "sender", "programme", "cohort", "locality"
    )


@transaction.atomic
def announcement_send(
    *,
    actor: User,
    programme: Programme,
    title: str,
    body: str,
    cohort: Cohort | None = None,
    locality: Locality | None = None,
) -> Announcement:
    count = _check(actor, programme, cohort, locality)
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one send at a time
    message: dict[str, Any] = {
        "sender": actor,
        "programme": programme,
        "cohort": cohort,
        "locality": locality,
    }
    message |= {"title": title, "body": body}
    if Announcement.objects.filter(**message, created_at__gte=timezone.now() - RESEND_GUARD).exists():
        raise ValidationError(ALREADY_SENT)
    announcement = Announcement.objects.create(**message, recipient_count=count)
    from enhance.programmes.tasks import deliver_announcement

    transaction.on_commit(lambda: deliver_announcement.enqueue(announcement_id=announcement.pk))
    return announcement


@transaction.atomic
def announcement_deliver(announcement_id: int) -> int:
    """Tell every recipient once (a second run finds the message already sent)."""
    announcement = (
        Announcement.objects.select_for_update().select_related("sender", "programme").get(pk=announcement_id)
    )
    if announcement.status == Announcement.Status.SENT:
        return 0
    audience = recipients(
        announcement.sender, announcement.programme, announcement.cohort, announcement.locality
    )
    people = [m.person.user for m in audience.select_related("person__user") if m.person.user]
    title = f"{announcement.title} (from {announcement.sender.full_name or announcement.sender.email})"
    notify_many(
        kind=kinds.GENERAL.code,
        messages=[Message(user, title, announcement.body, "/notifications/") for user in people],
    )
    announcement.status, announcement.sent_at = Announcement.Status.SENT, timezone.now()
    announcement.recipient_count = len(people)
    announcement.save(update_fields=["status", "sent_at", "recipient_count"])
    return len(people)
