"""The readiness list a lead can download (see core.downloads), as filtered."""

from __future__ import annotations

from django.http import QueryDict

from enhance.accounts.models import User
from enhance.core.downloads import Sheet
from enhance.portfolio import access, selectors
from enhance.portfolio.forms import ReadinessFilterForm
from enhance.programmes.access import programmes_visible_to


def readiness_sheet(user: User, query: QueryDict, pk: int | None = None) -> Sheet:
    """Every learner of the readiness list as filtered, with where they stand."""
    access.ensure_manages_learners(user)
    form = ReadinessFilterForm(query or None, programmes=programmes_visible_to(user))
    learners = selectors.learners_for_readiness(user, form.filters())
    rows = selectors.readiness_export_rows(learners)
    return Sheet(rows=rows, filename="arcp-readiness", title="Readiness", size=learners.count)
