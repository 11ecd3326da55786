"""The Django admin shows no private or draft reflection, and records that change only
through the app's services are read-only there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from enhance.expenses.models import Claim
from enhance.portfolio.models import Reflection

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    admin_user = world["national_admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return admin_user


def test_private_and_draft_reflections_never_appear_in_the_admin(client, world, superuser):
    person = world.learner_membership.person
    private = Reflection.objects.create(person=person, title="My private thoughts", happened="x", draft=False)
    draft = Reflection.objects.create(
        person=person, title="Half written", happened="x", draft=True, visibility="supervisor"
    )
    shared = Reflection.objects.create(
        person=person, title="Shared with supervisor", happened="x", draft=False, visibility="supervisor"
    )
    client.force_login(superuser)
    page = client.get(reverse("admin:portfolio_reflection_changelist")).content.decode()
    assert "Shared with supervisor" in page
    assert "My private thoughts" not in page and "Half written" not in page
    for hidden in (private, draft):
        assert client.get(reverse("admin:portfolio_reflection_change", args=[hidden.pk])).status_code in (
            302,
            404,
        )
    assert client.get(reverse("admin:portfolio_reflection_change", args=[shared.pk])).status_code == 200


@pytest.mark.parametrize(
    "model", ["expenses_claim", "placements_placement", "teaching_attendance", "portfolio_assessment"]
)
def test_service_records_are_read_only_in_the_admin(client, superuser, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_a_claim_cannot_be_changed_or_deleted_in_the_admin(client, world, superuser):
    claim = Claim.objects.create(
        membership=world.learner_membership, month=dt.date(2026, 9, 1), status="approved"
    )
    client.force_login(superuser)
    change = reverse("admin:expenses_claim_change", args=[claim.pk])
    assert client.post(change, {"status": "paid"}).status_code == 403
    assert (
        client.post(reverse("admin:expenses_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code
        == 403
    )
    claim.refresh_from_db()
    assert claim.status == "approved"
