"""Every projects URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import EVERYONE, LEADS, MANAGERS, Route, persona_tests

LEARNER = frozenset({"learner"})
COHORT_LEARNERS = frozenset({"learner", "second_learner"})
CONTACT = frozenset({"partner_contact"})
# The project: its learner, supervisor, partner contact, and the leads who manage its learner.
PROJECT_PEOPLE = MANAGERS | LEARNER | {"supervisor", "partner_contact"}


def project(s):  # type: ignore[no-untyped-def]
    return {"pk": s.project.pk}


TABLE = {
    "projects:home": Route(get=EVERYONE),
    "projects:partner_list": Route(get=LEADS),
    "projects:partner_create": Route(get=LEADS, post=LEADS),
    "projects:partner_edit": Route(lambda s: {"pk": s.partner.pk}, get=LEADS, post=LEADS),
    "projects:round_create": Route(get=LEADS, post=LEADS),
    "projects:round": Route(lambda s: {"pk": s.round.pk}, get=LEADS | COHORT_LEARNERS, post=COHORT_LEARNERS),
    "projects:round_solve": Route(lambda s: {"pk": s.round.pk}, post=LEADS),
    "projects:round_pair": Route(lambda s: {"pk": s.round.pk}, post=LEADS),
    "projects:round_confirm": Route(lambda s: {"pk": s.round.pk}, post=LEADS),
    "projects:partner_view": Route(get=CONTACT),
    "projects:day_plan": Route(post=EVERYONE),
    "projects:day_confirm": Route(lambda s: {"pk": s.day.pk}, post=LEARNER | CONTACT),
    "projects:day_observe": Route(lambda s: {"pk": s.day.pk}, post=LEARNER | CONTACT),
    "projects:my_projects": Route(
        get=COHORT_LEARNERS | {"far_learner"}, post=COHORT_LEARNERS | {"far_learner"}
    ),
    "projects:project": Route(project, get=PROJECT_PEOPLE, post=PROJECT_PEOPLE),
    "projects:output_add": Route(project, post=PROJECT_PEOPLE),
    "projects:meeting_add": Route(project, post=PROJECT_PEOPLE),
    "projects:milestone_complete": Route(
        lambda s: {"pk": s.project.pk, "milestone_pk": s.milestone.pk}, post=PROJECT_PEOPLE
    ),
    "projects:co_learner_add": Route(project, post=PROJECT_PEOPLE),
    "projects:handover": Route(project, post=PROJECT_PEOPLE),
    "projects:supervisor_set": Route(project, post=PROJECT_PEOPLE),
    "projects:board": Route(get=MANAGERS),
    "projects:supervising": Route(get=EVERYONE),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "projects", TABLE
)
