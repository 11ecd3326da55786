"""Every privacy URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import Route, persona_tests

LEARNERS = frozenset({"learner", "second_learner", "far_learner"})

TABLE = {
    "privacy:my_data": Route(get=LEARNERS),
    "privacy:export_request": Route(
        lambda s: {"person_pk": s.world.learner_membership.person_id},
        post=frozenset({"learner", "national_admin"}),
    ),
    "privacy:export": Route(lambda s: {"pk": s.export.pk}, get=frozenset({"learner", "national_admin"})),
    "privacy:erase": Route(
        lambda s: {"person_pk": s.world.learner_membership.person_id},
        get=frozenset({"national_admin"}),
        post=frozenset({"national_admin"}),
    ),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "privacy", TABLE
)
