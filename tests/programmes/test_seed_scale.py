"""The national-scale data set for the benchmarks: sizes that scale, the demo's Midlands
programme and first locality made heavy, and never on a live (DEBUG off) database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from enhance.demo.loader import load_demo
from enhance.demo.scale import SIZES, seed_scale
from enhance.notifications.models import Notification
from enhance.programmes.models import Membership, Programme
from enhance.teaching.models import Attendance, Session
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db
SCALE = 0.02


def test_a_scaled_national_data_set_goes_on_top_of_the_demo():
    ensure_reference_data()
    load_demo()
    counts = seed_scale(scale=SCALE, seed=7, say=lambda _: None)
    assert Membership.objects.count() == pytest.approx(SIZES["learners"] * SCALE, abs=8)
    midlands = Programme.objects.get(region__code="midlands")
    assert midlands.memberships.count() == pytest.approx(SIZES["programme_learners"] * SCALE, abs=2)
    first = midlands.localities.order_by("pk").first()
    assert Membership.objects.filter(locality=first).count() >= round(SIZES["locality_learners"] * SCALE)
    assert Session.objects.count() == pytest.approx(SIZES["sessions"] * SCALE, abs=8)
    assert counts["attendance"] == Attendance.objects.filter(session__title__startswith="Scale").count() > 0
    lead_inbox = Notification.objects.filter(recipient__email="programme.lead@enhance.example")
    assert (
        lead_inbox.filter(title__startswith="Scale notice").count()
        >= round(SIZES["notifications"] * SCALE) // 100
    )
    # Kept figures are left as the nightly jobs leave them: nothing waits to be counted.
    from enhance.portfolio.models import Readiness

    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    assert counts["readiness"] == active.count() and not Readiness.objects.filter(stale=True).exists()


def test_it_refuses_a_live_database_and_a_wrong_scale(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_scale", "--scale", "0.01")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="between 0.0001 and 1"):
        call_command("seed_scale", "--scale", "5")
