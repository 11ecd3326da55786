"""Every expenses URL against every persona (generated from its urls.py)."""

from __future__ import annotations

from tests.url_personas import MANAGERS, Route, persona_tests

LEARNER = frozenset({"learner"})
LEARNERS = frozenset({"learner", "second_learner", "far_learner"})
FINANCE = frozenset({"national_admin", "finance_officer"})
CLAIM_VIEWERS = MANAGERS | LEARNER  # the draft claim: its learner and the leads who manage them


def claim(s):  # type: ignore[no-untyped-def]
    return {"pk": s.claim.pk}


TABLE = {
    "expenses:my_claims": Route(get=LEARNERS, post=LEARNERS),
    "expenses:claim_detail": Route(claim, get=CLAIM_VIEWERS, post=LEARNER),
    "expenses:journey_delete": Route(
        lambda s: {"pk": s.claim.pk, "journey_pk": s.journey.pk}, post=CLAIM_VIEWERS
    ),
    "expenses:claim_submit": Route(claim, post=CLAIM_VIEWERS),
    "expenses:claim_approve": Route(claim, post=CLAIM_VIEWERS),
    "expenses:claim_return": Route(claim, post=CLAIM_VIEWERS),
    "expenses:mark_paid": Route(lambda s: {"pk": s.approved_claim.pk}, post=FINANCE),
    "expenses:receipt": Route(lambda s: {"pk": s.cost.pk}, get=CLAIM_VIEWERS),
    "expenses:approvals": Route(get=MANAGERS),
    "expenses:finance": Route(get=FINANCE),
    "expenses:export": Route(lambda s: {"org_pk": s.world.trust.pk}, post=FINANCE),
    "expenses:payment_file": Route(lambda s: {"org_pk": s.world.trust.pk}, post=FINANCE),
    "expenses:batch_download": Route(lambda s: {"pk": s.batch.pk, "fmt": "csv"}, get=FINANCE),
}

test_every_url_has_a_persona_rule, test_get_by_persona, test_forbidden_posts_change_nothing = persona_tests(
    "expenses", TABLE
)
