from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enhance.core.models import DailyJobRun
from enhance.core.scheduling import enqueue_due_daily_jobs
from enhance.notifications import kinds
from enhance.notifications.models import Notification
from enhance.notifications.services import email_preferences_set, notify
from enhance.notifications.tasks import send_notification_email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_notify_records_the_notification_and_emails_it():
    user = UserFactory()
    notify(recipient=user, kind=kinds.GENERAL.code, title="Teaching moved", body="Now in room 2.", url="/")
    assert Notification.objects.get(recipient=user).title == "Teaching moved"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "Now in room 2." in mail.outbox[0].body


def test_person_can_turn_off_email_for_a_non_urgent_kind_but_still_sees_it_in_the_app():
    user = UserFactory()
    email_preferences_set(actor=user, choices={kinds.GENERAL.code: False})
    notify(recipient=user, kind=kinds.GENERAL.code, title="Newsletter")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=user).count() == 1


def test_urgent_kinds_are_always_emailed():
    user = UserFactory()
    email_preferences_set(actor=user, choices={kinds.ACCOUNT.code: False})
    notify(recipient=user, kind=kinds.ACCOUNT.code, title="Your role changed")
    assert len(mail.outbox) == 1


def test_unknown_kind_is_refused_and_nothing_recorded():
    user = UserFactory()
    with pytest.raises(ValueError, match=re.escape(kinds.UNKNOWN_KIND.format(code="no-such-kind"))):
        notify(recipient=user, kind="no-such-kind", title="x")
    assert not Notification.objects.exists()


def test_an_email_is_sent_once_even_if_the_task_runs_twice():
    user = UserFactory()
    email_preferences_set(actor=user, choices={kinds.GENERAL.code: False})
    n = notify(recipient=user, kind=kinds.GENERAL.code, title="Once")
    assert send_notification_email.call(notification_id=n.pk) is True
    assert send_notification_email.call(notification_id=n.pk) is False
    assert len(mail.outbox) == 1


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database queue, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_email_the_mail_server_refuses_is_tried_again_later_not_lost(monkeypatch, queued_tasks):
    import smtplib

    from django_tasks_db.models import DBTaskResult

    from enhance.notifications import tasks

    user = UserFactory()
    n = notify(recipient=user, kind=kinds.GENERAL.code, title="Retry me")

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(tasks, "send_mail", refuse)
    assert send_notification_email.call(notification_id=n.pk) is False
    n.refresh_from_db()
    assert n.emailed_at is None and mail.outbox == []
    retry = DBTaskResult.objects.get(args_kwargs__kwargs__attempt=2)
    assert retry.args_kwargs["kwargs"]["notification_id"] == n.pk
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=30)
    assert (n.email_attempts, n.email_error) == (1, "Connection unexpectedly closed")  # for the admin
    monkeypatch.undo()
    assert send_notification_email.call(notification_id=n.pk, attempt=2) is True
    assert [m.subject for m in mail.outbox] == ["enhance: Retry me"]
    n.refresh_from_db()
    assert (n.email_attempts, n.email_error) == (2, "")


def test_emailing_gives_up_after_the_last_retry(monkeypatch, queued_tasks, settings):
    import smtplib

    from django_tasks_db.models import DBTaskResult

    from enhance.notifications import tasks

    n = notify(recipient=UserFactory(), kind=kinds.GENERAL.code, title="Never")
    monkeypatch.setattr(
        tasks, "send_mail", lambda **kw: (_ for _ in ()).throw(smtplib.SMTPDataError(451, "later"))
    )
    before = DBTaskResult.objects.count()
    last = len(settings.EMAIL_RETRY_SECONDS) + 1
    assert send_notification_email.call(notification_id=n.pk, attempt=last) is False
    assert DBTaskResult.objects.count() == before
    n.refresh_from_db()
    assert n.emailed_at is None


def test_header_shows_unread_count_and_reading_clears_it(client):
    user = UserFactory()
    for i in range(3):
        notify(recipient=user, kind=kinds.GENERAL.code, title=f"Message {i}", url="/notifications/")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">3<' in page
    first = Notification.objects.filter(recipient=user).first()
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response["Location"] == "/notifications/"
    assert 'data-testid="unread-count">2<' in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert "unread-count" not in client.get(reverse("notifications:list")).content.decode()


def test_nobody_can_open_someone_elses_notification(client):
    owner, other = UserFactory(), UserFactory()
    n = notify(recipient=owner, kind=kinds.GENERAL.code, title="Private")
    client.force_login(other)
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_notification_links_never_leave_the_site(client):
    user = UserFactory()
    n = notify(recipient=user, kind=kinds.GENERAL.code, title="x", url="https://evil.example/")
    client.force_login(user)
    assert client.post(reverse("notifications:open", args=[n.pk]))["Location"] == reverse(
        "notifications:list"
    )


def test_email_choices_page_saves_choices(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("notifications:preferences"), {kinds.GENERAL.code: ""})
    notify(recipient=user, kind=kinds.GENERAL.code, title="quiet")
    assert mail.outbox == []


def test_daily_jobs_are_queued_once_a_day():
    morning = timezone.make_aware(dt.datetime(2026, 11, 23, 7, 0))
    assert "privacy_retention" in enqueue_due_daily_jobs(morning)
    assert "privacy_retention" not in enqueue_due_daily_jobs(morning + dt.timedelta(hours=3))
    assert DailyJobRun.objects.filter(name="privacy_retention").count() == 1


def test_daily_jobs_wait_for_their_time_of_day():
    night = timezone.make_aware(dt.datetime(2026, 11, 23, 1, 0))
    assert "privacy_retention" not in enqueue_due_daily_jobs(night)


def test_every_areas_notification_kinds_are_registered_at_start_up():
    """A fresh process lists every area's kinds on the email choices page, whatever it imported."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from enhance.notifications import kinds; "
        "print(' '.join(sorted(k.code for k in kinds.all_kinds())))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    codes = set(out.stdout.split())
    expected = {
        "general",
        "claim_paid",
        "allocation_finished",
        "session_feedback",
        "leave_requested",
        "reflection_shared",
        "evidence_pack_ready",
        "partner_paired",
        "milestone_reminder",
    }
    assert expected <= codes, expected - codes
