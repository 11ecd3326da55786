"""Leads who run a programme set its rules in the app, with history; nobody else can."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from enhance.programmes import services
from enhance.programmes.models import Programme

pytestmark = pytest.mark.django_db

GOOD = {
    "description": "IMT with enhance",
    "attendance_threshold": "80",
    "apologies_excused": "on",
    "year_start_month": "9",
    "study_leave_days": "30",
    "enhance_leave_days": "5",
    "leave_notice_days": "42",
    "claim_window_months": "3",
    "assessor_email_domains": "nhs.net",
}


def test_the_programme_lead_changes_the_rules_and_the_change_is_listed(client, world):
    client.force_login(world["programme_lead"])
    url = reverse("programmes:programme_settings", args=[world.programme.pk])
    response = client.post(url, GOOD, follow=True)
    page = response.content.decode()
    programme = Programme.objects.get(pk=world.programme.pk)
    assert (programme.attendance_threshold, programme.apologies_excused, programme.year_start_month) == (
        80,
        True,
        9,
    )
    assert "Programme settings saved." in page
    assert re.search(r"Programme settings changed: .*attendance threshold", page)
    detail = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert url in detail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attendance_threshold", "150"),
        ("year_start_month", "13"),
        ("claim_window_months", "0"),
        ("study_leave_days", "x"),
    ],
)
def test_bad_settings_are_refused_by_field_and_change_nothing(client, world, field, value):
    client.force_login(world["programme_lead"])
    url = reverse("programmes:programme_settings", args=[world.programme.pk])
    response = client.post(url, {**GOOD, field: value})
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()  # the message sits by its field
    assert (
        Programme.objects.get(pk=world.programme.pk).attendance_threshold
        == world.programme.attendance_threshold
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("programme_lead", 200),
        ("regional_lead", 200),
        ("locality_lead", 403),
        ("faculty", 403),
        ("learner", 403),
        ("outsider", 403),
    ],
)
def test_only_those_who_run_the_programme_open_its_settings(client, world, persona, status):
    client.force_login(world[persona])
    assert (
        client.get(reverse("programmes:programme_settings", args=[world.programme.pk])).status_code == status
    )


def test_the_service_refuses_a_locality_lead(world):
    with pytest.raises(PermissionDenied, match=re.escape(services.ONLY_PROGRAMME_LEADS_SET_RULES)):
        services.programme_settings_update(
            actor=world["locality_lead"], programme=world.programme, attendance_threshold=10
        )
