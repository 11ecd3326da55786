"""Reflections: drafts, sharing, who can see and comment, and the cost of the list."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enhance.curriculum.models import Domain
from enhance.notifications.models import Notification
from enhance.portfolio import access, services
from enhance.portfolio.models import Reflection
from enhance.portfolio.services import SAY_WHAT_HAPPENED_BEFORE_YOU
from tests.conftest import PERSONAS


def write(world, visibility="supervisor", publish=True, **fields):
    reflection = Reflection(
        title=fields.pop("title", "Discharge letters matter"),
        happened=fields.pop("happened", "The community team could not see the hospital record."),
        visibility=visibility,
    )
    return services.reflection_save(
        actor=world["learner"],
        reflection=reflection,
        domains=Domain.objects.filter(number__in=[2, 6]),
        themes=[],
        publish=publish,
    )


def test_drafts_stay_private_until_finished_then_the_supervisor_is_told(world):
    draft = write(world, publish=False)
    assert not access.reflections_visible_to(world["supervisor"]).filter(pk=draft.pk).exists()
    services.reflection_save(actor=world["learner"], reflection=draft, domains=[], themes=[], publish=True)
    assert access.reflections_visible_to(world["supervisor"]).filter(pk=draft.pk).exists()
    assert Notification.objects.filter(recipient=world["supervisor"], kind="reflection_shared").count() == 1


@pytest.mark.parametrize(
    ("visibility", "who_sees"),
    [
        ("private", {"learner"}),
        ("supervisor", {"learner", "supervisor"}),
        (
            "programme",
            {"learner", "supervisor", "national_admin", "regional_lead", "programme_lead", "locality_lead"},
        ),
    ],
)
def test_visibility_decides_who_sees_a_reflection(client, world, visibility, who_sees):
    reflection = write(world, visibility=visibility)
    url = reverse("portfolio:reflection_detail", args=[reflection.pk])
    for persona in PERSONAS:
        client.force_login(world[persona])
        assert client.get(url).status_code == (200 if persona in who_sees else 403), persona


def test_supervisor_comments_and_the_learner_is_told(client, world):
    reflection = write(world)
    client.force_login(world["supervisor"])
    client.post(
        reverse("portfolio:reflection_detail", args=[reflection.pk]), {"text": "Good insight: see the DIS"}
    )
    assert reflection.comments.get().author == world["supervisor"]
    assert Notification.objects.filter(recipient=world["learner"], kind="reflection_comment").exists()
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=world["learner"], reflection=reflection, text="self comment")
    with pytest.raises(ValidationError):
        services.comment_add(actor=world["supervisor"], reflection=reflection, text="  ")


def test_only_the_author_edits_and_a_finished_reflection_needs_what_happened(client, world):
    reflection = write(world)
    client.force_login(world["supervisor"])
    assert client.get(reverse("portfolio:reflection_edit", args=[reflection.pk])).status_code == 403
    with pytest.raises(ValidationError, match=re.escape(SAY_WHAT_HAPPENED_BEFORE_YOU)):
        write(world, happened=" ")


def test_reflection_list_costs_the_same_whatever_its_size(client, world):
    write(world)
    client.force_login(world["learner"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portfolio:reflection_list"))
    for n in range(8):
        write(world, title=f"Reflection {n}")
    with CaptureQueriesContext(connection) as many:
        assert "Reflection 7" in client.get(reverse("portfolio:reflection_list")).content.decode()
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_a_reflection_links_to_a_session_the_learner_attended_in_the_last_year(world):
    import datetime as dt

    from enhance.portfolio.forms import ReflectionForm
    from enhance.teaching.models import Attendance
    from tests.teaching.test_sessions import series

    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    attended, missed, unmarked = series(world, count=3, start=now - dt.timedelta(days=30))
    (long_ago,) = series(world, count=1, start=now - dt.timedelta(days=500))
    m = world.learner_membership
    for session, status in [(attended, "present"), (missed, "absent"), (long_ago, "present")]:
        Attendance.objects.create(session=session, membership=m, status=status)

    def choices(form):  # type: ignore[no-untyped-def]
        return [pk.value for pk, _ in form.fields["session"].choices if pk]

    with time_machine.travel(now):
        assert choices(ReflectionForm(user=world["learner"])) == [attended.pk]
        linked = write(world)
        linked.session = unmarked
        linked.save()
        assert choices(ReflectionForm(instance=linked, user=world["learner"])) == [unmarked.pk, attended.pk]
        assert choices(ReflectionForm(user=world["second_learner"])) == []
