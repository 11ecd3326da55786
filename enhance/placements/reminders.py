"""Daily reminder: a block's ranking closes within 48 hours, to its learners who have not
ranked yet. Sent once per block (claimed by a conditional update)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from enhance.notifications.services import Message, notify_many
from enhance.placements.models import PlacementBlock, PreferenceSet
from enhance.placements.notifications import PREFERENCES_CLOSING
from enhance.programmes.models import Membership

CLOSING_WITHIN = dt.timedelta(hours=48)
CLOSING_TITLE = "Rank your placements: {block} closes {closes:%A %-d %B, %H:%M}"


def preferences_closing_send(now: dt.datetime) -> int:
    sent = 0
    for block in PlacementBlock.objects.filter(
        status=PlacementBlock.Status.OPEN,
        preferences_close_at__gt=now,
        preferences_close_at__lte=now + CLOSING_WITHIN,
        closing_reminded_at__isnull=True,
    ):
        if not PlacementBlock.objects.filter(pk=block.pk, closing_reminded_at__isnull=True).update(
            closing_reminded_at=now
        ):
            continue
        ranked = PreferenceSet.objects.filter(block=block).values("membership_id")
        learners = (
            Membership.objects.filter(cohort=block.cohort_id, status=Membership.Status.ACTIVE)
            .exclude(pk__in=ranked)
            .filter(person__user__isnull=False)
            .select_related("person__user")
        )
        title = CLOSING_TITLE.format(block=block.name, closes=timezone.localtime(block.preferences_close_at))
        url = reverse("placements:preferences", args=[block.pk])
        messages = [Message(m.person.user, title, url=url) for m in learners if m.person.user]
        sent += len(notify_many(kind=PREFERENCES_CLOSING.code, messages=messages))
    return sent
