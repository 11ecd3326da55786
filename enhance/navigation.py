"""The site menu: which areas a signed-in person sees, from their scope. Project-level wiring
(like urls.py), so it may name every area."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from enhance.programmes.access import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"sso_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_SERVER_URL else ""}
    scope = scope_for(user)  # type: ignore[arg-type]
    if scope.community_orgs and not scope.manages_learners:
        placements = "placements:incoming"
    elif scope.is_learner or scope.manages_learners:
        placements = "placements:block_list"
    else:
        placements = ""
    if scope.finance_orgs:
        expenses = "expenses:finance"
    elif scope.manages_learners:
        expenses = "expenses:approvals"
    elif scope.is_learner:
        expenses = "expenses:my_claims"
    else:
        expenses = ""
    return {
        "nav_staff": scope.is_staff,
        "nav_manager": scope.manages_learners,
        "nav_placements": placements,
        "nav_expenses": expenses,
        "nav_setup": scope.admin or bool(scope.regions or scope.lead_programmes or scope.community_orgs),
        "nav_surveys": scope.is_learner,
        "nav_reflections": scope.is_learner or bool(scope.supervised) or scope.manages_learners,
    }
