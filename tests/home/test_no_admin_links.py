"""Nobody but a superuser is sent into the Django admin from the app's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_s_pages_link_into_the_admin(client, scene, persona):
    world = scene.world
    client.force_login(world[persona])
    urls = [
        reverse("home"),
        reverse("programmes:programme_list"),
        reverse("programmes:programme_detail", args=[world.programme.pk]),
        reverse("learner", args=[world.learner_membership.person_id]),
        reverse("programmes:organisation_detail", args=[world.community_org.pk]),
        reverse("programmes:staff", args=[world.programme.pk]),
        reverse("reference:index"),
        reverse("reference:list", args=["venues"]),
    ]
    for url in urls:
        response = client.get(url)
        assert "/admin/" not in response.content.decode(), (persona, url)


def test_a_superuser_finds_the_reference_data_admin_from_home(client, world):
    admin = world["national_admin"]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
