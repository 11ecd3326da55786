"""notify_many: any number of notifications in a fixed number of queries, emailed in one task."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enhance.notifications import kinds
from enhance.notifications.models import Notification
from enhance.notifications.services import Message, email_preferences_set, notify_many
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def queries_to_notify(users, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queue, do not send
    with CaptureQueriesContext(connection) as ctx:
        notify_many(kind=kinds.GENERAL.code, messages=[Message(u, f"Hello {u.pk}") for u in users])
    return len(ctx.captured_queries)


def test_notifying_many_costs_the_same_for_three_or_thirty(settings):
    few = queries_to_notify([UserFactory() for _ in range(3)], settings)
    many = queries_to_notify([UserFactory() for _ in range(30)], settings)
    assert many <= few
    assert Notification.objects.count() == 33


def test_each_recipient_is_emailed_unless_they_turned_that_kind_off():
    keen, quiet = UserFactory(), UserFactory()
    email_preferences_set(actor=quiet, choices={kinds.GENERAL.code: False})
    notify_many(
        kind=kinds.GENERAL.code,
        messages=[Message(keen, "Room change", "Now in room 2.", "/"), Message(quiet, "Room change")],
    )
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert Notification.objects.filter(title="Room change").count() == 2


def test_nothing_to_send_sends_nothing():
    assert notify_many(kind=kinds.GENERAL.code, messages=[]) == []
    assert mail.outbox == []
