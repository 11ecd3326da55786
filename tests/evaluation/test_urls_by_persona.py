"""Every evaluation URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import ADMIN, LEADS, MANAGERS, Route, persona_tests

COHORT_LEARNERS = frozenset({"learner", "second_learner"})
LEARNERS = COHORT_LEARNERS | {"far_learner"}

TABLE = {
    "evaluation:dashboard": Route(get=MANAGERS),
    "evaluation:measure": Route(lambda s: {"slug": "confidence"}, get=MANAGERS),
    "evaluation:download": Route(
        lambda s: {"slug": "reach", "table": "by-programme", "fmt": "csv"}, get=MANAGERS
    ),
    "evaluation:workbook_new": Route(post=MANAGERS),
    "evaluation:workbook": Route(lambda s: {"pk": s.workbook.pk}, get=ADMIN),
    "evaluation:my_surveys": Route(get=LEARNERS),
    "evaluation:answer": Route(lambda s: {"pk": s.wave.pk}, get=COHORT_LEARNERS, post=COHORT_LEARNERS),
    "evaluation:schedule": Route(lambda s: {"programme_pk": s.world.programme.pk}, get=LEADS, post=LEADS),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "evaluation", TABLE
)
