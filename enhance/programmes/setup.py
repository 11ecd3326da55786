"""Setting a programme up in the app: its localities and its intakes (cohorts)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.text import counted
from enhance.core.validation import save_valid
from enhance.programmes.access import can_manage_sites
from enhance.programmes.models import Cohort, Locality, Membership, Organisation, Programme, Site
from enhance.programmes.services import check_programme_wide

NAME_NEEDED = "Enter a name."
ONLY_COMMUNITY_LEADS_KEEP_SITES = "Only the organisation's community leads keep its sites."
LOCALITY_EXISTS = "{programme} already has a locality called {name}."
COHORT_ALREADY_CLOSED = "{cohort} is already closed."
COHORT_STILL_ACTIVE = (
    "{cohort} still has {learners} in training: record each one's completion or withdrawal first."
)
INTAKE_EXISTS = "{programme} already has an intake on {day:%-d %B %Y}."


@transaction.atomic
def locality_add(*, actor: User, programme: Programme, name: str) -> Locality:
    check_programme_wide(actor, programme)
    name = name.strip()
    if not name:
        raise ValidationError({"name": NAME_NEEDED})
    if Locality.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError({"name": LOCALITY_EXISTS.format(programme=programme, name=name)})
    locality = Locality(programme=programme, name=name)
    save_valid(locality)
    return locality


@transaction.atomic
def cohort_open(*, actor: User, programme: Programme, intake_date: dt.date, name: str = "") -> Cohort:
    """Open the next intake; its name defaults to "<Month Year> intake"."""
    check_programme_wide(actor, programme)
    if Cohort.objects.filter(programme=programme, intake_date=intake_date).exists():
        raise ValidationError({"intake_date": INTAKE_EXISTS.format(programme=programme, day=intake_date)})
    cohort = Cohort(
        programme=programme, intake_date=intake_date, name=name.strip() or f"{intake_date:%B %Y} intake"
    )
    save_valid(cohort)
    return cohort


@transaction.atomic
def cohort_close(*, actor: User, cohort: Cohort) -> Cohort:
    """Close an intake whose learners have all finished or left: no one joins it any more,
    and new placement blocks and pairing rounds no longer offer it. History keeps the date."""
    check_programme_wide(actor, cohort.programme)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.is_closed:
        raise ValidationError(COHORT_ALREADY_CLOSED.format(cohort=cohort))
    in_training = (Membership.Status.ACTIVE, Membership.Status.PAUSED)
    active = cohort.memberships.filter(status__in=in_training).count()
    if active:
        raise ValidationError(COHORT_STILL_ACTIVE.format(cohort=cohort, learners=counted(active, "learner")))
    cohort.closed_on = timezone.localdate()
    cohort.save(update_fields=["closed_on"])
    return cohort


@transaction.atomic
def site_add(*, actor: User, organisation: Organisation, site: Site) -> Site:
    """A new site (a venue for sessions, a base for placements) of the actor's organisation."""
    if not can_manage_sites(actor, organisation):
        raise PermissionDenied(ONLY_COMMUNITY_LEADS_KEEP_SITES)
    site.organisation = organisation
    save_valid(site)
    return site
