"""Every teaching URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import EVERYONE, LEADS, MANAGERS, Route, persona_tests

SESSION_STAFF = LEADS | {"faculty"}  # the leads who run the programme and its facilitator
SESSION_PEOPLE = SESSION_STAFF | {"learner", "second_learner"}
LEARNER = frozenset({"learner"})


def session(s):  # type: ignore[no-untyped-def]
    return {"pk": s.session.pk}


TABLE = {
    "teaching:timetable": Route(get=EVERYONE),
    "teaching:session_create": Route(get=LEADS | {"locality_lead"}, post=LEADS),  # their locality only
    "teaching:session_detail": Route(session, get=SESSION_PEOPLE),
    "teaching:session_edit": Route(session, get=LEADS, post=LEADS),
    "teaching:session_cancel": Route(session, post=LEADS),
    "teaching:apologies": Route(session, post=frozenset({"learner", "second_learner"})),
    "teaching:check_in": Route(session, post=frozenset({"learner", "second_learner"})),
    "teaching:screen": Route(session, get=SESSION_STAFF),
    "teaching:qr": Route(session, get=SESSION_STAFF),
    "teaching:register": Route(session, get=SESSION_STAFF, post=SESSION_STAFF),
    "teaching:register_close": Route(session, post=SESSION_STAFF),
    "teaching:register_export": Route(lambda s: {"pk": s.session.pk, "fmt": "csv"}, get=SESSION_STAFF),
    "teaching:scan": Route(
        lambda s: {"pk": s.session.pk, "token": "0" * 20}, get=SESSION_PEOPLE, post=SESSION_PEOPLE
    ),
    "teaching:feedback": Route(session, post=frozenset({"learner", "second_learner"})),
    "teaching:feedback_summary": Route(get=SESSION_STAFF),
    "teaching:booking": Route(session, post=frozenset({"learner", "second_learner"})),
    "teaching:booking_cancel": Route(session, post=frozenset({"learner", "second_learner"})),
    "teaching:material_upload": Route(session, post=SESSION_STAFF),
    "teaching:material_download": Route(
        lambda s: {"pk": s.session.pk, "file_pk": s.material.pk}, get=SESSION_PEOPLE
    ),
    "teaching:certificate": Route(session, get=LEARNER),
    "teaching:leave": Route(
        get=MANAGERS | {"learner", "second_learner", "far_learner"},
        post=LEARNER | {"second_learner", "far_learner"},
    ),
    "teaching:attendance": Route(get=MANAGERS),
    "teaching:attendance_export": Route(lambda s: {"fmt": "csv"}, get=MANAGERS),
    "teaching:leave_decide": Route(lambda s: {"pk": s.leave.pk}, post=MANAGERS | LEARNER),
    "teaching:leave_withdraw": Route(lambda s: {"pk": s.leave.pk}, post=LEARNER),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "teaching", TABLE
)
