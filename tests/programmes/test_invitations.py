"""Learners are invited by email when added or imported, and can be invited again."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from enhance.accounts.models import User
from enhance.programmes import services
from enhance.programmes.import_jobs import import_preview
from enhance.programmes.imports import import_commit
from enhance.programmes.models import Person
from tests.programmes.test_imports import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def invitations():
    return [m for m in mail.outbox if m.subject == services.LEARNER_INVITATION_SUBJECT]


def test_an_import_invites_each_new_learner_in_the_background(client, world):
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*GOOD_ROWS))
    client.force_login(world["programme_lead"])
    page = client.get(reverse("programmes:import_detail", args=[preview.batch.pk])).content.decode()
    assert "2 new learners will be invited by email to set a password." in page
    import_commit(actor=world["programme_lead"], batch=preview.batch)
    sent = invitations()
    assert sorted(m.to[0] for m in sent) == ["dana.okafor@example.org", "eli.jones@example.org"]
    assert re.search(r"/accounts/password/reset/key/\S+/", sent[0].body)
    assert "Midlands IMT" in sent[0].body


def test_an_import_s_invitations_go_over_one_connection_to_the_mail_server(monkeypatch, world):
    """Thousands of learners in one import: one connection, not one each."""
    from django.core.mail import get_connection

    from enhance.accounts import invitations as sending

    opened = []

    def counting_connection(*args, **kwargs):
        opened.append(1)
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(sending, "get_connection", counting_connection)
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*GOOD_ROWS))
    import_commit(actor=world["programme_lead"], batch=preview.batch)
    assert len(invitations()) == 2 and len(opened) == 1


def test_a_lead_sends_the_invitation_again_until_the_learner_sets_a_password(client, world):
    person = Person.objects.get(pk=world.learner_membership.person_id)
    user = person.user
    user.set_unusable_password()
    user.save()
    client.force_login(world["programme_lead"])
    page = client.get(reverse("learner", args=[person.pk])).content.decode()
    assert "Send the invitation again" in page
    client.post(reverse("programmes:learner_invite", args=[person.pk]))
    assert [m.to for m in invitations()] == [[person.email]]
    user.set_password("now-set-2026!")
    user.save()
    with pytest.raises(ValidationError, match=re.escape(services.ALREADY_SIGNED_UP)):
        services.learner_invite(actor=world["programme_lead"], person=person)
    client.force_login(world["faculty"])
    assert client.post(reverse("programmes:learner_invite", args=[person.pk])).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
