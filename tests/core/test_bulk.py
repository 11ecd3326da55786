"""Many rows at once: what `insert_many` stores (COPY on PostgreSQL, bulk_create elsewhere) is
what a plain save would, with ids and time stamps set; `path_for_each` gives reverse()'s URLs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from enhance.core.bulk import insert_many, path_for_each
from enhance.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_many_notifications_are_stored_with_their_ids_and_times(world):
    before = timezone.now()
    made = insert_many(
        Notification,
        [
            Notification(
                recipient=world["learner"], kind="session_tomorrow", title=f"Tomorrow: {n}", body="=1+1"
            )
            for n in range(30)
        ],
    )
    stored = {n.pk: n for n in Notification.objects.filter(recipient=world["learner"])}
    assert len(stored) == 30 and {n.pk for n in made} == set(stored)
    for n in made:
        kept = stored[n.pk]
        assert (kept.title, kept.body, kept.digest_pending, kept.read_at) == (n.title, "=1+1", False, None)
        assert kept.created_at >= before
    Notification.objects.create(
        recipient=world["learner"], kind="session_tomorrow", title="after"
    )  # ids go on


def test_a_url_for_each_row_is_the_one_reverse_gives():
    learner_page = path_for_each("learner")
    assert [learner_page(pk) for pk in (1, 42, 10**9)] == [
        reverse("learner", args=[pk]) for pk in (1, 42, 10**9)
    ]
