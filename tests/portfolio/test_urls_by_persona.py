"""Every portfolio URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import EVERYONE, LEADS, MANAGERS, STAFF, Route, persona_tests

LEARNERS = frozenset({"learner", "second_learner", "far_learner"})
LEARNER = frozenset({"learner"})

TABLE = {
    "portfolio:reflection_list": Route(get=STAFF | LEARNERS),
    "portfolio:reflection_create": Route(get=LEARNERS, post=LEARNERS),
    "portfolio:reflection_detail": Route(
        lambda s: {"pk": s.reflection.pk}, get=LEARNER | {"supervisor"}, post=frozenset({"supervisor"})
    ),
    "portfolio:reflection_edit": Route(lambda s: {"pk": s.reflection.pk}, get=LEARNER, post=LEARNER),
    "portfolio:coverage": Route(get=LEARNERS),
    "portfolio:progress": Route(get=LEARNERS),
    "portfolio:evidence_packs": Route(get=LEARNERS, post=LEARNERS),
    "portfolio:evidence_pack": Route(lambda s: {"pk": s.pack.pk}, get=LEARNER),
    "portfolio:readiness": Route(get=MANAGERS),
    "portfolio:readiness_export": Route(lambda s: {"fmt": "csv"}, get=MANAGERS),
    "portfolio:requirement_sets": Route(get=LEADS, post=LEADS),
    "portfolio:requirement_set": Route(lambda s: {"pk": s.requirement_set.pk}, get=LEADS, post=LEADS),
    "portfolio:rule_remove": Route(lambda s: {"pk": s.requirement_set.pk, "rule_pk": s.rule.pk}, post=LEADS),
    "portfolio:cohort_coverage": Route(lambda s: {"pk": s.world.cohort.pk}, get=MANAGERS),
    "portfolio:assessment_list": Route(get=EVERYONE),
    "portfolio:assessment_request": Route(get=LEARNERS, post=LEARNERS),
    "portfolio:assessment_detail": Route(lambda s: {"pk": s.assessment.pk}, get=LEARNER | {"supervisor"}),
    "portfolio:assessment_resend": Route(lambda s: {"pk": s.assessment.pk}, post=LEARNER | {"supervisor"}),
    "portfolio:assessment_approve": Route(lambda s: {"pk": s.assessment.pk}, post=LEARNER | {"supervisor"}),
    "portfolio:assessment_withdraw": Route(lambda s: {"pk": s.assessment.pk}, post=LEARNER | {"supervisor"}),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "portfolio", TABLE
)
