"""Leads message a programme, cohort or locality: previewed, sent once, in the background."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.notifications.models import Notification
from enhance.programmes import announcements
from enhance.programmes.models import Announcement
from enhance.programmes.views import MESSAGE_ON_ITS_WAY
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def told(world):
    return set(Notification.objects.filter(kind="general").values_list("recipient__email", flat=True))


def test_a_cohort_message_reaches_its_active_learners_once(world, django_capture_on_commit_callbacks):
    left = MembershipFactory(programme=world.programme, cohort=world.cohort, status="withdrawn")
    with django_capture_on_commit_callbacks(execute=True):
        sent = announcements.announcement_send(
            actor=world["programme_lead"],
            programme=world.programme,
            cohort=world.cohort,
            title="Room",
            body="Room 2",
        )
    assert told(world) == {world["learner"].email, world["second_learner"].email}
    assert left.person.email not in told(world)
    sent.refresh_from_db()
    assert (sent.status, sent.recipient_count) == (Announcement.Status.SENT, 2)
    assert announcements.announcement_deliver(sent.pk) == 0  # a second run tells nobody again
    assert Notification.objects.filter(kind="general").count() == 2


def test_a_locality_lead_messages_their_locality_only(world, django_capture_on_commit_callbacks):
    lead = world["locality_lead"]
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_send(
            actor=lead, programme=world.programme, locality=world.locality, title="Derbyshire", body="Hello"
        )
    assert told(world) == {world["learner"].email}
    with pytest.raises(PermissionDenied):
        announcements.announcement_send(actor=lead, programme=world.programme, title="All", body="Hello")


def test_an_audience_with_nobody_in_it_is_refused_and_nothing_recorded(world):
    empty = MembershipFactory(programme=world.other_programme).cohort
    with pytest.raises(ValidationError, match=re.escape(announcements.NOT_IN_PROGRAMME)):
        announcements.announcement_send(
            actor=world["programme_lead"], programme=world.programme, cohort=empty, title="x", body="y"
        )
    with pytest.raises((ValidationError, PermissionDenied)):
        announcements.announcement_send(
            actor=world["programme_lead"], programme=world.other_programme, title="x", body="y"
        )
    assert not Announcement.objects.exists()


def test_the_page_previews_who_receives_it_then_sends(client, world):
    client.force_login(world["programme_lead"])
    url = reverse("programmes:announcement_list")
    data = {
        "programme": world.programme.pk,
        "cohort": world.cohort.pk,
        "title": "Teaching moved",
        "body": "Room 2",
    }
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "This message will go to 2 learners" in page and "Send to 2 learners" in page
    assert not Announcement.objects.exists()
    page = client.post(url, {**data, "send": "1"}, follow=True).content.decode()
    assert MESSAGE_ON_ITS_WAY.format(count=2) in page
    assert "Teaching moved" in page and "sent" in page
    assert client.post(url, {"programme": "999999", "title": "", "body": ""}).status_code == 200
    assert Announcement.objects.count() == 1


def test_only_leads_open_the_message_page(client, world):
    for persona, status in (("learner", 403), ("faculty", 403), ("locality_lead", 200)):
        client.force_login(world[persona])
        assert client.get(reverse("programmes:announcement_list")).status_code == status


def test_a_double_click_sends_the_message_once(world):
    send = {"programme": world.programme, "cohort": world.cohort, "title": "Room", "body": "Room 2"}
    announcements.announcement_send(actor=world["programme_lead"], **send)
    with pytest.raises(ValidationError, match=re.escape(announcements.ALREADY_SENT)):
        announcements.announcement_send(actor=world["programme_lead"], **send)
    assert Announcement.objects.count() == 1
