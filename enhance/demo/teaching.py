"""A monthly teaching series, its past registers taken."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.programmes.models import Programme, Site
from enhance.teaching.access import expected_memberships
from enhance.teaching.models import Attendance, Session, Topic


def load_teaching(midlands: Programme, today: dt.date) -> None:
    """A monthly enhance teaching series for the Midlands programme, past and upcoming."""

    london = ZoneInfo("Europe/London")
    topics = {t.name: t for t in Topic.objects.all()}
    venue = Site.objects.filter(organisation__name__startswith="Derby and South").first()
    faculty = User.objects.get(email=f"faculty@{DEMO_DOMAIN}")
    plan = [
        ("Public health: the health of Derby's neighbourhoods", "Public health", -40, "in_person"),
        ("VITA: social medicine and the whole person", "VITA (social medicine)", -10, "hybrid"),
        ("Human factors across hospital and community", "Human factors", 9, "in_person"),
        ("Preparing for your community placement", "Community placement", 23, "virtual"),
        ("Immersive experience: working with partners", "Immersive experience", 51, "in_person"),
    ]
    for title, topic, offset, mode in plan:
        day = today + dt.timedelta(days=offset)
        start = dt.datetime(day.year, day.month, day.day, 13, 30, tzinfo=london)
        session = Session.objects.create(
            programme=midlands,
            title=title,
            topic=topics[topic],
            mode=mode,
            venue=venue if mode != "virtual" else None,
            online_link="https://meet.enhance.example/midlands" if mode != "in_person" else "",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
        session.facilitators.set([faculty])
        if offset < 0:
            _take_register(session, faculty)
        if offset < -30:  # the older register was closed; the latest waits for the lead
            session.register_closed_at, session.register_closed_by = start + dt.timedelta(days=2), faculty
            session.save(update_fields=["register_closed_at", "register_closed_by"])


def _take_register(session: Session, faculty: User) -> None:
    """Past sessions have their register taken: most present, a few late, apologies or absent."""

    statuses = ["present"] * 7 + ["late", "apologies", "absent"]
    for n, membership in enumerate(expected_memberships(session).order_by("pk")):
        Attendance.objects.create(
            session=session, membership=membership, status=statuses[n % len(statuses)], recorded_by=faculty
        )
