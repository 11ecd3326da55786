"""Every placements URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import EVERYONE, LEADS, Route, persona_tests

COHORT_LEARNERS = frozenset({"learner", "second_learner"})
COMMUNITY = frozenset({"national_admin", "community_lead"})


def block(s):  # type: ignore[no-untyped-def]
    return {"pk": s.block.pk}


def run(s):  # type: ignore[no-untyped-def]
    return {"pk": s.run.pk}


TABLE = {
    # Locality leads are not yet given placement pages (the triage issue adds them).
    "placements:opportunity_list": Route(get=LEADS | {"community_lead"}),
    "placements:opportunity_create": Route(get=COMMUNITY, post=COMMUNITY),
    "placements:opportunity_edit": Route(lambda s: {"pk": s.opportunity.pk}, get=COMMUNITY, post=COMMUNITY),
    "placements:block_list": Route(get=EVERYONE),
    "placements:block_create": Route(get=LEADS, post=LEADS),
    "placements:block_detail": Route(block, get=LEADS | COHORT_LEARNERS | {"locality_lead"}),  # read only
    "placements:placement_change": Route(
        lambda s: {"pk": s.block.pk, "membership_pk": s.world.learner_membership.pk}, get=LEADS, post=LEADS
    ),
    "placements:preferences": Route(block, get=COHORT_LEARNERS, post=COHORT_LEARNERS),
    "placements:run_start": Route(block, post=LEADS),
    "placements:constraint": Route(block, post=LEADS),
    "placements:run_detail": Route(run, get=LEADS),
    "placements:run_input": Route(run, get=LEADS),
    "placements:run_publish": Route(run, post=LEADS),
    "placements:run_compare": Route(get=LEADS, query=lambda s: {"a": s.run.pk, "b": s.run.pk}),
    "placements:my_placements": Route(get=EVERYONE),
    "placements:incoming": Route(get=COMMUNITY),
    "placements:placement_detail": Route(
        lambda s: {"pk": s.placement.pk},
        get=LEADS | {"locality_lead", "community_lead", "learner"},
        post=frozenset({"learner"}),
    ),
    "placements:clinic_review": Route(lambda s: {"pk": s.clinic.pk}, post=COMMUNITY),
    "placements:clinic_answer": Route(lambda s: {"pk": s.clinic.pk}, post=frozenset({"learner"})),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "placements", TABLE
)
