"""The staff roles and the one scope field each needs (kept apart from the models that use them)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National admin"
    REGIONAL_LEAD = "regional_lead", "Regional lead"
    PROGRAMME_LEAD = "programme_lead", "Programme lead"
    LOCALITY_LEAD = "locality_lead", "Locality lead"
    FACULTY = "faculty", "Faculty"
    COMMUNITY_LEAD = "community_lead", "Community lead"
    PARTNER_CONTACT = "partner_contact", "Partner contact"
    SUPERVISOR = "supervisor", "Supervisor"
    FINANCE_OFFICER = "finance_officer", "Finance officer"


# The one scope field each role needs; national admins need none.
ROLE_SCOPE_FIELD: dict[str, str | None] = {
    Role.NATIONAL_ADMIN: None,
    Role.REGIONAL_LEAD: "region",
    Role.PROGRAMME_LEAD: "programme",
    Role.LOCALITY_LEAD: "locality",
    Role.FACULTY: "programme",
    Role.COMMUNITY_LEAD: "organisation",
    Role.PARTNER_CONTACT: "organisation",
    Role.SUPERVISOR: "learner",
    Role.FINANCE_OFFICER: "organisation",
}
SCOPE_FIELDS = ("region", "programme", "locality", "organisation", "learner")

__all__ = ["ROLE_SCOPE_FIELD", "SCOPE_FIELDS", "Role"]
