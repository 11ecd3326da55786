"""Teaching sessions: series, changes, apologies, check-in, the register, access and cost."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from enhance.notifications.models import Notification
from enhance.teaching import services
from enhance.teaching.models import Attendance, Session, Topic
from enhance.teaching.services.attendance import (
    APOLOGIES_SENT_BEFORE_SESSION_STARTS,
    CHECK_CLOSED_ASK_FACILITATOR_MARK,
    CHECKIN_NOT_OPEN,
    CODE_NOT_VALID_EXPIRED_USE,
    REGISTER_LISTS_ONLY_LEARNERS_SESSION,
    UNKNOWN_STATUS,
)
from enhance.teaching.services.feedback import FEEDBACK_OPENS_NEAR_END_SESSION
from enhance.teaching.services.sessions import REPEAT_BETWEEN_TIMES
from tests.conftest import PERSONAS
from tests.factories import MembershipFactory

LONDON = ZoneInfo("Europe/London")
START = dt.datetime(2026, 10, 14, 14, 0, tzinfo=LONDON)  # a Wednesday, before the clocks change


def series(world, repeat="weekly", count=3, start=START, **m2m):
    base = Session(
        programme=world.programme,
        title="Human factors",
        topic=Topic.objects.get(name="Human factors"),
        mode="in_person",
        venue=None,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    base.mode = "virtual"
    base.online_link = "https://meet.example/enhance"
    return services.session_series_create(
        actor=world["programme_lead"],
        session=base,
        m2m={"cohorts": [world.cohort], **m2m},
        repeat=repeat,
        count=count,
    )


def test_weekly_series_keeps_the_wall_clock_time_across_the_clock_change(world):
    sessions = series(world, count=3)
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [t.strftime("%d %b %H:%M") for t in local] == ["14 Oct 14:00", "21 Oct 14:00", "28 Oct 14:00"]
    assert len({s.series_key for s in sessions}) == 1


def test_monthly_series_and_bad_repeat_counts(world):
    assert len(series(world, repeat="monthly", count=4)) == 4
    with pytest.raises(ValidationError, match=re.escape(REPEAT_BETWEEN_TIMES)):
        series(world, count=60)


def test_only_programme_leads_add_sessions(world):
    with pytest.raises(PermissionDenied):
        services.session_series_create(
            actor=world["faculty"], session=Session(programme=world.programme), m2m={}, repeat="none"
        )


def test_moving_the_series_moves_later_sessions_and_tells_learners(world):
    first, second, third = series(world)
    services.session_update(
        actor=world["programme_lead"],
        session=second,
        fields={
            "starts_at": second.starts_at + dt.timedelta(hours=1),
            "ends_at": second.ends_at + dt.timedelta(hours=1),
        },
        m2m={},
        whole_series=True,
    )
    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert timezone.localtime(first.starts_at).hour == 14
    assert timezone.localtime(second.starts_at).hour == 15 and timezone.localtime(third.starts_at).hour == 15
    assert Notification.objects.filter(recipient=world["learner"], kind="session_changed").count() == 2
    assert not Notification.objects.filter(recipient=world["far_learner"]).exists()


def test_cancelled_sessions_stay_in_the_feed_marked_cancelled_with_the_same_uid(client, world):
    (session,) = series(world, repeat="none", count=1)
    client.force_login(world["learner"])
    client.get(reverse("calendars:mine"))
    from enhance.calendars.models import FeedToken

    url = reverse("calendars:feed", args=[FeedToken.objects.get(user=world["learner"]).token])
    before = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    later = session.starts_at + dt.timedelta(hours=1)
    services.session_update(
        actor=world["programme_lead"],
        session=session,
        fields={"starts_at": later, "ends_at": later + dt.timedelta(hours=2)},
        m2m={},
    )
    moved = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(moved["uid"]) == str(before["uid"])
    assert moved.decoded("dtstart") == later
    services.session_cancel(actor=world["programme_lead"], session=Session.objects.get(pk=session.pk))
    after = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(before["uid"]) == str(after["uid"]) == f"session-{session.pk}@enhance"
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) >= int(before["sequence"])


def test_cancelling_twice_tells_learners_once(world):
    (session,) = series(world, repeat="none", count=1)
    services.session_cancel(actor=world["programme_lead"], session=session)
    told = Notification.objects.filter(kind="session_changed").count()
    assert told > 0
    services.session_cancel(actor=world["programme_lead"], session=Session.objects.get(pk=session.pk))
    assert Notification.objects.filter(kind="session_changed").count() == told


def test_apologies_are_sent_before_the_start_only_by_expected_learners(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START - dt.timedelta(days=1)):
        services.apologies_send(actor=world["learner"], session=session, note="On call")
        with pytest.raises(PermissionDenied):
            services.apologies_send(actor=world["far_learner"], session=session)
    with (
        time_machine.travel(START + dt.timedelta(minutes=5)),
        pytest.raises(ValidationError, match=re.escape(APOLOGIES_SENT_BEFORE_SESSION_STARTS)),
    ):
        services.apologies_send(actor=world["second_learner"], session=session)
    assert Attendance.objects.get(session=session).status == "apologies"


def code_now(session):
    return services.typed_code(session, services.current_window())


def test_check_in_with_the_typed_code_then_again_is_harmless(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START - dt.timedelta(minutes=5)):
        first = services.check_in(actor=world["learner"], session=session, code=code_now(session).lower())
        again = services.check_in(actor=world["learner"], session=session, code=code_now(session))
    assert first.status == "present" and again.checked_in_at == first.checked_in_at
    assert Attendance.objects.filter(session=session).count() == 1


def test_check_in_with_the_qr_token_counts_late_after_ten_minutes(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START + dt.timedelta(minutes=20)):
        token = services.qr_token(session, services.current_window())
        assert services.check_in(actor=world["learner"], session=session, code=token).status == "late"


def test_expired_codes_and_check_in_outside_the_window_are_refused(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START - dt.timedelta(minutes=5), tick=False):
        old = services.typed_code(session, services.current_window() - 2)
        with pytest.raises(ValidationError, match=re.escape(CODE_NOT_VALID_EXPIRED_USE)):
            services.check_in(actor=world["learner"], session=session, code=old)
        previous = services.typed_code(session, services.current_window() - 1)
        services.check_in(actor=world["second_learner"], session=session, code=previous)
    with (
        time_machine.travel(START - dt.timedelta(hours=1)),
        pytest.raises(
            ValidationError, match=re.escape(CHECKIN_NOT_OPEN.format(opens=dt.datetime(2026, 1, 1, 13, 45)))
        ),
    ):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    with (
        time_machine.travel(START + dt.timedelta(hours=1)),
        pytest.raises(ValidationError, match=re.escape(CHECK_CLOSED_ASK_FACILITATOR_MARK)),
    ):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    with time_machine.travel(START), pytest.raises(PermissionDenied):
        services.check_in(actor=world["far_learner"], session=session, code=code_now(session))


def test_register_marks_everyone_present_then_exceptions_without_undoing_check_ins(client, world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START + dt.timedelta(minutes=12)):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    extra = MembershipFactory(programme=world.programme, cohort=world.cohort)
    client.force_login(world["programme_lead"])
    client.post(
        reverse("teaching:register", args=[session.pk]), {"all": "present", f"status-{extra.pk}": "absent"}
    )
    statuses = dict(Attendance.objects.filter(session=session).values_list("membership_id", "status"))
    assert statuses == {
        world.learner_membership.pk: "late",
        world.second_membership.pk: "present",
        extra.pk: "absent",
    }
    with pytest.raises(ValidationError, match=re.escape(REGISTER_LISTS_ONLY_LEARNERS_SESSION)):
        services.register_save(
            actor=world["programme_lead"], session=session, statuses={world.far_membership.pk: "present"}
        )
    with pytest.raises(ValidationError, match=re.escape(UNKNOWN_STATUS.format(statuses="asleep"))):
        services.register_save(
            actor=world["programme_lead"], session=session, statuses={world.learner_membership.pk: "asleep"}
        )
    csv_text = client.get(reverse("teaching:register_export", args=[session.pk, "csv"])).getvalue().decode()
    assert "Asha Learner,learner@example.org,Late," in csv_text
    import io

    from openpyxl import load_workbook

    xlsx = client.get(reverse("teaching:register_export", args=[session.pk, "xlsx"])).getvalue()
    rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Session", "Date", "Learner") and len(rows) == 4


def test_session_pages_per_persona(client, world):
    (session,) = series(world, repeat="none", count=1, facilitators=[world["faculty"]])
    managers = {"national_admin", "regional_lead", "programme_lead"}
    expected = {
        "detail": managers | {"faculty", "learner", "second_learner"},
        "register": managers | {"faculty"},
        "screen": managers | {"faculty"},
        "edit": managers,
        "create": managers | {"locality_lead"},  # for their own locality only
    }
    urls = {
        "detail": reverse("teaching:session_detail", args=[session.pk]),
        "register": reverse("teaching:register", args=[session.pk]),
        "screen": reverse("teaching:screen", args=[session.pk]),
        "edit": reverse("teaching:session_edit", args=[session.pk]),
        "create": reverse("teaching:session_create"),
    }
    for persona in PERSONAS:
        client.force_login(world[persona])
        assert client.get(reverse("teaching:timetable")).status_code == 200
        for name, url in urls.items():
            assert client.get(url).status_code == (200 if persona in expected[name] else 403), (persona, name)
    assert client.get(reverse("teaching:session_detail", args=[99999])).status_code == 404


def test_online_link_is_shown_only_to_expected_learners(client, world):
    (session,) = series(world, repeat="none", count=1)
    client.force_login(world["learner"])
    assert (
        "https://meet.example/enhance"
        in client.get(reverse("teaching:session_detail", args=[session.pk])).content.decode()
    )
    client.force_login(world["far_learner"])
    assert client.get(reverse("teaching:session_detail", args=[session.pk])).status_code == 403


def test_timetable_register_and_attendance_cost_the_same_whatever_their_size(client, world, query_count):
    def counts(session):
        out = {}
        for persona, url in (
            ("learner", reverse("teaching:timetable")),
            ("programme_lead", reverse("teaching:timetable")),
            ("programme_lead", reverse("teaching:register", args=[session.pk])),
            ("programme_lead", reverse("teaching:attendance")),
            ("locality_lead", reverse("teaching:attendance")),
            ("programme_lead", reverse("teaching:attendance_export", args=["csv"])),
        ):
            out[(persona, url)] = query_count(world[persona], url)
        return out

    with time_machine.travel(START - dt.timedelta(days=7)):
        first = series(world, count=2)
        before = counts(first[0])
        series(world, count=8)
        for _ in range(6):
            MembershipFactory(programme=world.programme, cohort=world.cohort)
        after = counts(first[0])
    for key, n in after.items():
        assert n <= before[key], key


def test_attendees_give_feedback_once_and_results_are_anonymous(client, world):
    (session,) = series(world, repeat="none", count=1, facilitators=[world["faculty"]])
    with time_machine.travel(START):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    with (
        time_machine.travel(START + dt.timedelta(hours=1)),
        pytest.raises(ValidationError, match=re.escape(FEEDBACK_OPENS_NEAR_END_SESSION)),
    ):
        services.feedback_give(actor=world["learner"], session=session, rating=5)
    with time_machine.travel(START + dt.timedelta(hours=3)):
        with pytest.raises(PermissionDenied):
            services.feedback_give(actor=world["second_learner"], session=session, rating=1)
        client.force_login(world["learner"])
        url = reverse("teaching:feedback", args=[session.pk])
        client.post(url, {"rating": "4", "worked": "Real cases", "change": "More time for questions"})
        page = client.post(url, {"rating": "5"}, follow=True).content.decode()
        assert "already given feedback" in page
        client.force_login(world["faculty"])
        detail = client.get(reverse("teaching:session_detail", args=[session.pk])).content.decode()
        assert "1 response, average 4.0 out of 5." in detail
        assert "More time for questions" in detail and "Asha" not in detail.split("Feedback")[-1]
        summary = " ".join(client.get(reverse("teaching:feedback_summary")).content.decode().split())
        assert "average 4.0 from 1 response over 1 session" in summary


def test_yesterdays_attendees_are_asked_for_feedback(world):
    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    assert services.feedback_requests_send(START.date()) == 1
    assert Notification.objects.filter(recipient=world["learner"], kind="session_feedback").exists()


def test_attendees_download_a_pdf_certificate_and_others_cannot(client, world):
    import io

    from pypdf import PdfReader

    (session,) = series(world, repeat="none", count=1)
    with time_machine.travel(START):
        services.check_in(actor=world["learner"], session=session, code=code_now(session))
    url = reverse("teaching:certificate", args=[session.pk])
    client.force_login(world["learner"])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Certificate of attendance" in text and "Asha Learner" in text and "Human factors" in text
    client.force_login(world["second_learner"])
    assert client.get(url).status_code == 403


def test_facilitators_attach_files_checked_by_content_and_learners_download_them(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (session,) = series(world, repeat="none", count=1, facilitators=[world["faculty"]])
    client.force_login(world["faculty"])
    url = reverse("teaching:material_upload", args=[session.pk])
    bad = client.post(
        url, {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", b"MZ\\x90 not a pdf")}, follow=True
    ).content.decode()
    assert "Upload a PDF, an Office document" in bad
    client.post(url, {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")})
    material = session.files.get()
    client.force_login(world["learner"])
    response = client.get(reverse("teaching:material_download", args=[session.pk, material.pk]))
    assert response["Content-Type"] == "application/pdf"
    with pytest.raises(PermissionDenied):
        services.material_add(actor=world["learner"], session=session, title="x", upload=None)
    client.force_login(world["far_learner"])
    assert (
        client.get(reverse("teaching:material_download", args=[session.pk, material.pk])).status_code == 403
    )


def test_register_exports_carry_no_live_formulas(client, world):
    import io

    from openpyxl import load_workbook

    (session,) = series(world, repeat="none", count=1)
    person = world.learner_membership.person
    person.forename, person.email = "=1+1", "+plus@example.org"
    person.save()
    client.force_login(world["programme_lead"])
    csv_body = client.get(reverse("teaching:register_export", args=[session.pk, "csv"])).getvalue().decode()
    assert "'=1+1 Learner" in csv_body and "'+plus@example.org" in csv_body
    xlsx = client.get(reverse("teaching:register_export", args=[session.pk, "xlsx"])).getvalue()
    cells = [c for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert "'=1+1 Learner" in [c.value for c in cells]


def test_a_file_title_over_200_characters_is_refused_with_a_message(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (session,) = series(world, repeat="none", count=1, facilitators=[world["faculty"]])
    client.force_login(world["faculty"])
    url = reverse("teaching:material_upload", args=[session.pk])
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")
    response = client.post(url, {"title": "x" * 201, "file": upload}, follow=True)
    assert response.status_code == 200
    assert "Keep the title to 200 characters or fewer." in response.content.decode()
    assert not session.files.exists()


def test_a_register_with_an_unknown_status_changes_nothing(client, world):
    (session,) = series(world, repeat="none", count=1)
    client.force_login(world["programme_lead"])
    url = reverse("teaching:register", args=[session.pk])
    response = client.post(
        url, {f"status-{world.learner_membership.pk}": "asleep", "all": "present"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose a status from the list" in response.content.decode()
    assert not Attendance.objects.filter(session=session).exists()


def test_session_rules_hold_for_every_caller_not_only_the_form(world):
    from enhance.teaching.models import LINK_NEEDED, SESSION_ENDS_BEFORE_START, VENUE_NEEDED

    start = dt.datetime(2030, 1, 9, 14, 0, tzinfo=dt.UTC)
    base = {"programme": world.programme, "title": "x", "topic": Topic.objects.get(name="Human factors")}
    with pytest.raises(ValidationError) as in_person:
        services.session_series_create(
            actor=world["programme_lead"],
            session=Session(**base, mode="in_person", starts_at=start, ends_at=start),
            m2m={},
        )
    assert in_person.value.message_dict == {"venue": [VENUE_NEEDED], "ends_at": [SESSION_ENDS_BEFORE_START]}
    with pytest.raises(ValidationError) as virtual:
        services.session_series_create(
            actor=world["programme_lead"],
            session=Session(**base, mode="virtual", starts_at=start, ends_at=start + dt.timedelta(hours=1)),
            m2m={},
        )
    assert virtual.value.message_dict == {"online_link": [LINK_NEEDED]}
    assert not Session.objects.exists()


def test_the_session_form_shows_the_models_rules_next_to_their_fields(client, world):
    from enhance.teaching.models import VENUE_NEEDED

    client.force_login(world["programme_lead"])
    data = {
        "programme": world.programme.pk,
        "title": "Human factors",
        "topic": Topic.objects.get(name="Human factors").pk,
        "mode": "in_person",
        "starts_at": "2030-01-09T14:00",
        "ends_at": "2030-01-09T16:00",
        "repeat": "none",
    }
    page = client.post(reverse("teaching:session_create"), data).content.decode()
    assert 'id="id_venue-error"' in page
    assert VENUE_NEEDED in page
    assert not Session.objects.exists()


def test_a_large_register_pages_finds_by_name_and_marks_everyone_left_on_every_page(client, world):
    session = series(world, repeat="none", count=1)[0]
    crowd = [MembershipFactory(programme=world.programme, cohort=world.cohort) for _ in range(110)]
    named = MembershipFactory(programme=world.programme, cohort=world.cohort, person__surname="Zyxwell")
    client.force_login(world["programme_lead"])
    url = reverse("teaching:register", args=[session.pk])
    first = client.get(url).content.decode()
    assert "113 learners" in first and first.count('name="status-') == 100
    found = client.get(url, {"q": "zyxw"}).content.decode()
    assert found.count('name="status-') == 1 and f'name="status-{named.pk}"' in found
    client.post(url + "?q=zyxw", {f"status-{named.pk}": "late", "all": "present"})
    statuses = dict(Attendance.objects.filter(session=session).values_list("membership_id", "status"))
    assert statuses[named.pk] == "late" and len(statuses) == 113
    assert {statuses[m.pk] for m in crowd} == {"present"}
