"""Locality leads run sessions for their own locality: they add, change and keep the register
of those, and of no other."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from enhance.teaching import services
from enhance.teaching.forms import FOR_YOUR_LOCALITY
from enhance.teaching.models import Session, Topic
from enhance.teaching.services.sessions import YOU_CANNOT_ADD_SESSIONS_PROGRAMME
from tests.teaching.test_sessions import series

pytestmark = pytest.mark.django_db


def form_data(world, **extra):
    return {
        "programme": world.programme.pk,
        "title": "Derbyshire journal club",
        "topic": Topic.objects.get(name="Human factors").pk,
        "mode": "virtual",
        "online_link": "https://meet.example/jc",
        "starts_at": "2026-12-02T13:00",
        "ends_at": "2026-12-02T14:00",
        "repeat": "none",
        "count": "1",
        **extra,
    }


def test_a_locality_lead_adds_a_session_for_their_locality_through_the_page(client, world):
    client.force_login(world["locality_lead"])
    url = reverse("teaching:session_create")
    page = client.post(url, form_data(world)).content.decode()
    assert FOR_YOUR_LOCALITY in page  # a programme-wide session is refused
    assert not Session.objects.filter(title="Derbyshire journal club").exists()
    client.post(url, form_data(world, localities=[world.other_locality.pk]))
    assert not Session.objects.filter(title="Derbyshire journal club").exists()
    response = client.post(url, form_data(world, localities=[world.locality.pk]))
    assert response.status_code == 302
    session = Session.objects.get(title="Derbyshire journal club")
    assert list(session.localities.all()) == [world.locality]


def test_a_locality_lead_manages_their_locality_s_sessions_and_no_others(client, world):
    (mine,) = series(world, repeat="none", count=1, localities=[world.locality])
    (both,) = series(world, repeat="none", count=1, localities=[world.locality, world.other_locality])
    (everyone,) = series(world, repeat="none", count=1)
    client.force_login(world["locality_lead"])
    for session, allowed in ((mine, True), (both, False), (everyone, False)):
        for name in ("session_edit", "register"):
            status = client.get(reverse(f"teaching:{name}", args=[session.pk])).status_code
            assert status == (200 if allowed else 403), (session.localities.count(), name)
    with pytest.raises(PermissionDenied, match=re.escape(YOU_CANNOT_ADD_SESSIONS_PROGRAMME)):
        services.session_update(
            actor=world["locality_lead"],
            session=mine,
            fields={},
            m2m={"localities": [world.locality, world.other_locality]},
        )
    assert list(mine.localities.all()) == [world.locality]


def test_a_locality_lead_follows_their_programme_s_blocks_read_only(client, world, ranked_block):
    client.force_login(world["locality_lead"])
    assert ranked_block.name in client.get(reverse("placements:block_list")).content.decode()
    page = client.get(reverse("placements:block_detail", args=[ranked_block.pk])).content.decode()
    assert world.learner_membership.person.full_name in page  # Derbyshire
    assert world.second_membership.person.full_name not in page  # Coventry
    assert "Run allocation" not in page
    run_start = reverse("placements:run_start", args=[ranked_block.pk])
    assert client.post(run_start, {"mode": "balanced"}).status_code == 403
    assert not ranked_block.runs.exists()
    client.force_login(world["community_lead"])
    assert ranked_block.name not in client.get(reverse("placements:block_list")).content.decode()
