"""The personal calendar page and iCalendar feed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from enhance.calendars.models import FeedToken
from enhance.placements import services
from enhance.placements.models import Placement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def placement(world, ranked_block):
    run = services.allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="balanced")
    run.refresh_from_db()
    services.allocation_run_publish(actor=world["programme_lead"], run=run)
    return Placement.objects.get(membership=world.learner_membership)


def feed_url(client, user):
    client.force_login(user)
    client.get(reverse("calendars:mine"))
    return reverse("calendars:feed", args=[FeedToken.objects.get(user=user).token])


def test_placement_appears_in_the_feed_with_a_stable_uid(client, world, placement):
    url = feed_url(client, world["learner"])
    client.logout()
    response = client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(response.content).walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == [f"placement-{placement.pk}@enhance"]
    assert str(events[0]["summary"]) == f"Placement: {placement.opportunity.title}"
    assert events[0].decoded("dtstart") == placement.starts_on
    again = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert str(again[0]["uid"]) == str(events[0]["uid"])


def test_calendar_page_lists_upcoming_events_and_the_feed_address(client, world, placement):
    client.force_login(world["learner"])
    page = client.get(
        reverse("calendars:mine"), {"start": f"{placement.starts_on:%Y-%m-%d}"}
    ).content.decode()
    assert f"Placement: {placement.opportunity.title}" in page
    assert "/calendar/feed/" in page


def test_resetting_the_address_breaks_the_old_one(client, world, placement):
    old = feed_url(client, world["learner"])
    client.post(reverse("calendars:reset"))
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(reverse("calendars:feed", args=["not-a-real-token"])).status_code == 404


def test_a_feed_shows_only_its_owners_events(client, world, placement):
    url = feed_url(client, world["second_learner"])
    client.logout()
    uids = {str(e["uid"]) for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    assert f"placement-{placement.pk}@enhance" not in uids
    own = Placement.objects.filter(membership=world.second_membership)
    assert uids == {f"placement-{p.pk}@enhance" for p in own}


def test_feed_cost_does_not_grow_with_events(client, world, placement):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from enhance.teaching.models import Session, Topic

    url = feed_url(client, world["learner"])
    client.logout()

    def make_session(n):
        start = timezone.now() + dt.timedelta(days=n + 1)
        return Session.objects.create(
            programme=world.programme,
            title=f"Session {n}",
            topic=Topic.objects.earliest("pk"),
            mode="virtual",
            online_link="https://meet.example/x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )

    make_session(0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 6):
        make_session(n)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content
    assert body.count(b"BEGIN:VEVENT") == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_feed_holds_the_past_twelve_months_and_everything_ahead(client, world):
    import datetime as dt

    from django.utils import timezone

    from enhance.teaching.models import Session, Topic

    now = timezone.now()

    def session(title: str, days: int) -> Session:
        return Session.objects.create(
            programme=world.programme,
            title=title,
            topic=Topic.objects.earliest("pk"),
            mode=Session.Mode.VIRTUAL,
            starts_at=now + dt.timedelta(days=days),
            ends_at=now + dt.timedelta(days=days, hours=2),
        )

    old, recent, ahead = (
        session("Two years ago", -730),
        session("In the spring", -180),
        session("Next week", 7),
    )
    url = feed_url(client, world["learner"])
    uids = {str(e["uid"]) for e in Calendar.from_ical(client.get(url).content).walk("VEVENT")}
    assert f"session-{recent.pk}@enhance" in uids and f"session-{ahead.pk}@enhance" in uids
    assert f"session-{old.pk}@enhance" not in uids
    page = client.get(reverse("calendars:mine")).content.decode()
    assert "Next week" in page and "In the spring" not in page


def session_on(world, title, day):
    import datetime as dt

    from django.utils import timezone

    from enhance.teaching.models import Session, Topic

    start = timezone.make_aware(dt.datetime.combine(day, dt.time(14)))
    return Session.objects.create(
        programme=world.programme,
        title=title,
        topic=Topic.objects.earliest("pk"),
        mode=Session.Mode.VIRTUAL,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def test_the_page_shows_four_weeks_at_a_time_paged_and_moves_between_them(client, world):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    for n in range(30):
        session_on(world, f"Soon {n:02}", today + dt.timedelta(days=n % 27))
    session_on(world, "In five weeks", today + dt.timedelta(days=35))
    client.force_login(world["learner"])
    first = client.get(reverse("calendars:mine")).content.decode()
    assert f"{today:%-d %B %Y} to" in first and "In five weeks" not in first
    assert first.count("enhance: Soon") == 25 and "Next" in first
    assert client.get(reverse("calendars:mine"), {"page": 2}).content.decode().count("enhance: Soon") == 5
    later = client.get(reverse("calendars:mine"), {"start": f"{today + dt.timedelta(days=28):%Y-%m-%d}"})
    assert "In five weeks" in later.content.decode() and "Soon" not in later.content.decode()
    assert "Four weeks earlier" in later.content.decode()


def test_the_page_s_cost_does_not_grow_with_events(query_count, world):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    session_on(world, "One", today)
    few = query_count(world["learner"], reverse("calendars:mine"))
    for n in range(20):
        session_on(world, f"More {n}", today + dt.timedelta(days=n))
    assert query_count(world["learner"], reverse("calendars:mine")) <= few


@pytest.mark.parametrize("start", ["not-a-date", "9999-12-31", "1066-10-14"])
def test_a_bad_day_says_so_and_shows_from_today(client, world, start):
    from django.utils import timezone

    client.force_login(world["learner"])
    page = client.get(reverse("calendars:mine"), {"start": start})
    body = page.content.decode()
    assert page.status_code == 200 and "nhsuk-error-message" in body
    assert f"{timezone.localdate():%-d %B %Y} to" in body
