"""Every programmes URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import EVERYONE, LEADS, MANAGERS, STAFF, Route, persona_tests

# Who can see the Midlands programme: its leads and faculty, the supervisor and finance
# officer of one of its learners, and its learners.
PROGRAMME_VIEWERS = MANAGERS | {"faculty", "supervisor", "finance_officer", "learner", "second_learner"}
WITH_MEMBERSHIP = frozenset({"learner", "second_learner", "far_learner"})
PROFILE_VIEWERS = MANAGERS | {"faculty", "supervisor", "finance_officer", "learner"}

TABLE = {
    "programmes:programme_list": Route(get=EVERYONE),
    "programmes:programme_detail": Route(lambda s: {"pk": s.world.programme.pk}, get=PROGRAMME_VIEWERS),
    "programmes:locality_detail": Route(lambda s: {"pk": s.world.locality.pk}, get=PROGRAMME_VIEWERS),
    "programmes:cohort_detail": Route(lambda s: {"pk": s.world.cohort.pk}, get=PROGRAMME_VIEWERS),
    "programmes:organisation_detail": Route(
        lambda s: {"pk": s.world.community_org.pk}, get=frozenset({"national_admin", "community_lead"})
    ),
    "programmes:learner_list": Route(get=STAFF),
    "programmes:learner_create": Route(get=MANAGERS, post=MANAGERS),
    "programmes:person_edit": Route(
        lambda s: {"pk": s.world.learner_membership.person_id}, get=MANAGERS, post=MANAGERS
    ),
    "programmes:membership_create": Route(
        lambda s: {"person_pk": s.world.learner_membership.person_id}, get=MANAGERS, post=MANAGERS
    ),
    "programmes:membership_edit": Route(
        lambda s: {"pk": s.world.learner_membership.pk}, get=MANAGERS, post=MANAGERS
    ),
    "programmes:import_upload": Route(get=MANAGERS, post=MANAGERS),
    "programmes:announcement_list": Route(get=MANAGERS, post=MANAGERS),
    "programmes:programme_settings": Route(lambda s: {"pk": s.world.programme.pk}, get=LEADS, post=LEADS),
    "programmes:locality_add": Route(lambda s: {"pk": s.world.programme.pk}, post=LEADS),
    "programmes:learner_invite": Route(lambda s: {"pk": s.world.learner_membership.person_id}, post=MANAGERS),
    "programmes:staff": Route(lambda s: {"pk": s.world.programme.pk}, get=LEADS, post=LEADS),
    "programmes:staff_member": Route(
        lambda s: {"pk": s.world.programme.pk, "user_pk": s.world["faculty"].pk}, get=LEADS
    ),
    # Ending a role that is not in the programme's staff is "not found" for everyone.
    "programmes:role_end": Route(lambda s: {"pk": s.world.programme.pk, "role_pk": 999999}, post=frozenset()),
    "programmes:cohort_open": Route(lambda s: {"pk": s.world.programme.pk}, post=LEADS),
    "programmes:cohort_close": Route(lambda s: {"pk": s.world.cohort.pk}, post=LEADS),
    "programmes:my_details": Route(get=WITH_MEMBERSHIP, post=WITH_MEMBERSHIP),
    # Without a certificate on file it is "not found" even for those allowed (tested in
    # test_self_service with a certificate).
    "programmes:insurance_certificate": Route(
        lambda s: {"pk": s.world.learner_membership.pk}, get=frozenset()
    ),
    "programmes:record_views": Route(get=frozenset({"learner", "second_learner", "far_learner"})),
    "programmes:import_template": Route(get=MANAGERS),
    "programmes:import_detail": Route(lambda s: {"pk": s.import_batch.pk}, get=frozenset({"programme_lead"})),
    "programmes:import_confirm": Route(
        lambda s: {"pk": s.import_batch.pk}, post=frozenset({"programme_lead"})
    ),
}


test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "programmes", TABLE
)
