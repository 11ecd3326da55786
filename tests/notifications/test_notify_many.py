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


def test_a_person_on_the_daily_digest_gets_one_evening_email_not_one_each():
    from enhance.notifications.tasks import DIGEST_SUBJECT, send_digests

    reader, other = UserFactory(), UserFactory()
    email_preferences_set(actor=reader, choices={}, digest=True)
    notify_many(
        kind=kinds.GENERAL.code,
        messages=[Message(reader, "Room change", url="/teaching/"), Message(other, "Room change")],
    )
    from enhance.notifications.services import notify

    notify(recipient=reader, kind=kinds.GENERAL.code, title="Newsletter")
    notify(recipient=reader, kind=kinds.ACCOUNT.code, title="Your role changed")  # urgent: at once
    assert sorted(m.subject for m in mail.outbox) == ["enhance: Room change", "enhance: Your role changed"]
    mail.outbox.clear()
    assert send_digests.call() == 1
    (digest,) = mail.outbox
    assert digest.to == [reader.email] and digest.subject == DIGEST_SUBJECT.format(count=2)
    assert "- Room change" in digest.body and "- Newsletter" in digest.body and "/teaching/" in digest.body
    assert send_digests.call() == 0  # nothing new, nothing sent


def test_the_email_choices_page_switches_to_the_daily_digest(client):
    from django.urls import reverse

    from enhance.notifications.selectors import wants_digest

    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "One email a day" in page
    client.post(reverse("notifications:preferences"), {"delivery": "digest", kinds.GENERAL.code: "on"})
    assert wants_digest(user)
    response = client.post(reverse("notifications:preferences"), {"delivery": "weekly"})
    assert response.status_code == 200 and wants_digest(user)  # a bad choice changes nothing


def test_a_batch_is_sent_over_one_connection_to_the_mail_server(monkeypatch):
    from django.core.mail import get_connection

    from enhance.notifications import tasks

    opened = []

    def counting_connection(*args, **kwargs):
        opened.append(1)
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(tasks, "get_connection", counting_connection)
    users = [UserFactory() for _ in range(4)]
    notify_many(kind=kinds.GENERAL.code, messages=[Message(u, "Timetable out") for u in users])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert len(opened) == 1


def test_when_no_connection_opens_each_email_is_tried_and_queued_again_alone(monkeypatch, settings):
    import smtplib

    from django_tasks_db.models import DBTaskResult

    from enhance.notifications import tasks

    class Down:
        def open(self):
            raise smtplib.SMTPConnectError(421, "Try later")

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(tasks, "get_connection", lambda *a, **k: Down())
    monkeypatch.setattr(tasks, "send_mail", refuse)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    made = notify_many(
        kind=kinds.GENERAL.code, messages=[Message(UserFactory(), "A"), Message(UserFactory(), "B")]
    )
    assert tasks.send_notification_emails.call(notification_ids=[n.pk for n in made]) == 0
    retries = DBTaskResult.objects.filter(args_kwargs__kwargs__attempt=2)
    assert sorted(r.args_kwargs["kwargs"]["notification_id"] for r in retries) == sorted(n.pk for n in made)


def queries_to_email(users, settings):
    from enhance.notifications import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queue, do not send
    made = notify_many(kind=kinds.GENERAL.code, messages=[Message(u, "Timetable out") for u in users])
    with CaptureQueriesContext(connection) as ctx:
        sent = tasks.send_notification_emails.call(notification_ids=[n.pk for n in made])
    assert sent == len(users)
    return len(ctx.captured_queries)


def test_emailing_a_batch_costs_the_same_queries_for_three_or_thirty(settings):
    """The morning jobs ask for tens of thousands of emails: each is claimed once, but a
    chunk at a time rather than two queries an email."""
    from enhance.notifications import tasks

    few = queries_to_email([UserFactory() for _ in range(3)], settings)
    many = queries_to_email([UserFactory() for _ in range(30)], settings)
    assert many == few
    assert len(mail.outbox) == 33
    again = Notification.objects.values_list("pk", flat=True)
    assert tasks.send_notification_emails.call(notification_ids=list(again)) == 0  # each once only
