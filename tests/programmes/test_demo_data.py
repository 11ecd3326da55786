"""The demo data: realistic shapes, deterministic, and every demo persona can sign in."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from enhance.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET
from enhance.demo.management.commands import load_demo
from enhance.programmes.models import Locality, Membership, Programme, Region
from tests.factories import fresh_totp_code

pytestmark = pytest.mark.django_db

# What each demo persona's home page has waiting for them.
PERSONAS = {
    "learner": "Answer your returned claim for",
    "learner2": "Rank your placement preferences",
    "admin": "study leave requests to decide",
    "regional.lead": "2 study leave requests to decide",
    "programme.lead": "Close the register: VITA",
    "locality.lead": "1 study leave request to decide",
    "faculty": "Feedback on VITA",
    "community.lead": "Confirm ",
    "partner.contact": "immersive day",
    "supervisor": "Approve the assessor for",
    "finance": "1 approved claim to export",
}


@pytest.fixture
def demo(settings):
    from tests.conftest import ensure_reference_data

    settings.DEBUG = True
    ensure_reference_data()
    call_command("load_demo", "--if-empty")


def test_demo_has_seven_trailblazers_and_about_150_learners(demo):
    assert Region.objects.filter(programmes__isnull=False).distinct().count() == 7
    assert 140 <= Membership.objects.count() <= 170
    midlands = Programme.objects.get(name="Midlands enhance for Internal Medicine Training")
    sizes = {
        loc.name: loc.memberships.filter(cohort__intake_date__year=2026).count()
        for loc in Locality.objects.filter(programme=midlands)
    }
    assert sizes == {"Derbyshire": 6, "Coventry": 3, "Lincolnshire": 3}  # Derbyshire has a mid-year joiner
    joiner = Membership.objects.get(person__email="joiner@enhance.example")
    assert joiner.starts_on > joiner.cohort.intake_date
    assert midlands.cohorts.count() == 3
    assert Programme.objects.filter(pathway="multi_professional", length_years=1).count() >= 2
    assert Membership.objects.filter(wte__lt=1).exists(), "some learners are less than full time"


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic(demo):
    from tests.conftest import ensure_reference_data

    first = list(Membership.objects.order_by("pk").values_list("person__email", "wte", "status"))
    call_command("flush", "--noinput")
    ensure_reference_data()
    call_command("load_demo")
    again = list(Membership.objects.order_by("pk").values_list("person__email", "wte", "status"))
    assert again == first


def test_loading_twice_is_refused_without_if_empty(demo):
    with pytest.raises(CommandError, match=re.escape(load_demo.NOT_EMPTY)):
        call_command("load_demo")


def test_demo_refuses_to_load_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=re.escape(load_demo.NOT_DEBUG)):
        call_command("load_demo")


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_demo_persona_signs_in_and_finds_work_waiting_on_their_home_page(client, demo, persona):
    response = client.post(
        reverse("account_login"), {"login": f"{persona}@enhance.example", "password": DEMO_PASSWORD}
    )
    if response["Location"] == reverse("mfa_authenticate"):
        client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(DEMO_TOTP_SECRET)})
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert PERSONAS[persona] in page.content.decode()
