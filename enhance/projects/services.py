"""Partners, ranked choices and pairing learners with partners (by the placement solver's
fair mode, then by hand), confirmed with notice to partner contacts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from enhance.accounts.models import User
from enhance.notifications.services import notify
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.models import Membership, Organisation, Role, RoleAssignment
from enhance.projects.access import (
    can_manage_partners,
    partner_regions,
    partners_visible_to,
    rounds_manageable_by,
)
from enhance.projects.models import Interest, Pairing, PairingRound, Partner, PartnerChoice
from enhance.projects.notifications import PAIRED, PARTNER_LEARNERS

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_PROGRAMME_LEADS_ADD_PARTNERS = "Only programme leads add partners."
CHOOSE_ORGANISATION_REGION_WHOSE_PROGRAMMES = "Choose an organisation in a region whose programmes you run."
PARTNERS_VOLUNTARY_COMMUNITY_ORGANISATIONS = "Partners are voluntary or community organisations."
PAIRS_ALREADY_CONFIRMED_ROUND = "Pairs are already confirmed for this round."
RANK_EACH_PARTNER_ONCE = "Rank each partner once."
CHOOSE_ONLY_PARTNERS_OFFERED_ROUND = "Choose only partners offered in this round."
LEARNER_NOT_ROUND_S_COHORT = "This learner is not in the round's cohort."
CHOOSE_PARTNER_OFFERED_ROUND = "Choose a partner offered in this round."
PLAN_DAYS_ONCE_PAIRS_CONFIRMED = "Plan days once the pairs are confirmed."
DAY_ALREADY_PLANNED = "That day is already planned."
ONLY_PARTNER_S_CONTACTS_CONFIRM = "Only the partner's contacts confirm attendance."
CONFIRM_ATTENDANCE_AFTER_DAY = "Confirm attendance on or after the day."
PARTNER_FULL = "{partner} can host {places} learners and is full."


@transaction.atomic
def partner_save(*, actor: User, partner: Partner, populations: Any) -> Partner:
    if not can_manage_partners(actor):
        raise PermissionDenied(ONLY_PROGRAMME_LEADS_ADD_PARTNERS)
    if not scope_for(actor).admin and not partner_regions(actor).filter(
        region_id=partner.organisation.region_id
    ):
        raise ValidationError({"organisation": CHOOSE_ORGANISATION_REGION_WHOSE_PROGRAMMES})
    if partner.pk and not partners_visible_to(actor).filter(pk=partner.pk).exists():
        raise PermissionDenied
    if partner.organisation.kind not in (Organisation.Kind.VOLUNTARY, Organisation.Kind.LOCAL_AUTHORITY):
        raise ValidationError({"organisation": PARTNERS_VOLUNTARY_COMMUNITY_ORGANISATIONS})
    partner.full_clean()
    partner.save()
    partner.populations.set(populations)
    return partner


@transaction.atomic
def round_create(*, actor: User, pairing_round: PairingRound, partners: Any) -> PairingRound:
    if not programmes_run_by(actor).filter(pk=pairing_round.cohort.programme_id).exists():
        raise PermissionDenied
    pairing_round.created_by = actor
    pairing_round.full_clean()
    pairing_round.save()
    pairing_round.partners.set(partners)
    return pairing_round


@transaction.atomic
def choices_set(
    *,
    actor: User,
    pairing_round: PairingRound,
    membership: Membership,
    partner_ids: list[int],
    interest: str = "",
) -> None:
    if membership.person.user_id != actor.pk or membership.cohort_id != pairing_round.cohort_id:
        raise PermissionDenied
    if pairing_round.status != PairingRound.Status.OPEN:
        raise ValidationError(PAIRS_ALREADY_CONFIRMED_ROUND)
    if len(set(partner_ids)) != len(partner_ids):
        raise ValidationError(RANK_EACH_PARTNER_ONCE)
    offered = set(pairing_round.partners.values_list("pk", flat=True))
    if not set(partner_ids) <= offered:
        raise ValidationError(CHOOSE_ONLY_PARTNERS_OFFERED_ROUND)
    PartnerChoice.objects.filter(round=pairing_round, membership=membership).delete()
    PartnerChoice.objects.bulk_create(
        PartnerChoice(round=pairing_round, membership=membership, partner_id=pid, rank=n)
        for n, pid in enumerate(partner_ids, start=1)
    )
    Interest.objects.update_or_create(
        round=pairing_round, membership=membership, defaults={"text": interest.strip()}
    )


def _locked_open(actor: User, pairing_round: PairingRound) -> PairingRound:
    if not rounds_manageable_by(actor).filter(pk=pairing_round.pk).exists():
        raise PermissionDenied
    locked = PairingRound.objects.select_for_update().get(pk=pairing_round.pk)
    if locked.status != PairingRound.Status.OPEN:
        raise ValidationError(PAIRS_ALREADY_CONFIRMED_ROUND)
    return locked


@transaction.atomic
def pair_automatically(*, actor: User, pairing_round: PairingRound) -> int:
    """Pair by the solver's fair mode: as many learners as possible, then as few as possible at
    their worst-ranked choice. Replaces any earlier pairs of the round."""
    from enhance.core.solver import parse_instance, solve

    locked = _locked_open(actor, pairing_round)
    members = list(
        Membership.objects.filter(cohort=locked.cohort, status=Membership.Status.ACTIVE).order_by("pk")
    )
    choices: dict[int, list[int]] = {}
    for c in PartnerChoice.objects.filter(round=locked).order_by("membership_id", "rank"):
        choices.setdefault(c.membership_id, []).append(c.partner_id)
    partners = list(locked.partners.filter(active=True))
    result = solve(
        parse_instance(
            {
                "mode": "fair",
                "learners": [
                    {"id": m.pk, "preferences": choices.get(m.pk, []), "drives": True, "priority": n}
                    for n, m in enumerate(members)
                ],
                "opportunities": [
                    {"id": p.pk, "capacity": p.learners_per_year, "requires_driving": False} for p in partners
                ],
            }
        )
    )
    Pairing.objects.filter(round=locked).delete()
    Pairing.objects.bulk_create(
        Pairing(round=locked, membership_id=a["learner"], partner_id=a["opportunity"], rank=a["rank"])
        for a in result["assignments"]
    )
    return len(result["assignments"])


@transaction.atomic
def pairing_set(
    *, actor: User, pairing_round: PairingRound, membership: Membership, partner: Partner | None
) -> None:
    """Pair (or unpair) one learner by hand, within the partner's capacity."""
    locked = _locked_open(actor, pairing_round)
    if membership.cohort_id != locked.cohort_id:
        raise ValidationError(LEARNER_NOT_ROUND_S_COHORT)
    Pairing.objects.filter(round=locked, membership=membership).delete()
    if partner is None:
        return
    if not locked.partners.filter(pk=partner.pk).exists():
        raise ValidationError(CHOOSE_PARTNER_OFFERED_ROUND)
    taken = Pairing.objects.filter(round=locked, partner=partner).count()
    if taken >= partner.learners_per_year:
        raise ValidationError(PARTNER_FULL.format(partner=partner, places=partner.learners_per_year))
    rank = (
        PartnerChoice.objects.filter(round=locked, membership=membership, partner=partner)
        .values_list("rank", flat=True)
        .first()
    )
    Pairing.objects.create(round=locked, membership=membership, partner=partner, rank=rank)


@transaction.atomic
def round_confirm(*, actor: User, pairing_round: PairingRound) -> None:
    locked = _locked_open(actor, pairing_round)
    locked.status = PairingRound.Status.CONFIRMED
    locked.save(update_fields=["status"])
    pairings = list(
        Pairing.objects.filter(round=locked).select_related(
            "membership__person__user", "partner__organisation"
        )
    )
    by_org: dict[int, list[str]] = {}
    for p in pairings:
        by_org.setdefault(p.partner.organisation_id, []).append(p.membership.person.full_name)
        if p.membership.person.user is not None:
            notify(
                recipient=p.membership.person.user,
                kind=PAIRED.code,
                title=f"Your immersive experience: {p.partner}",
                url=reverse("projects:home"),
            )
    contacts = RoleAssignment.objects.filter(
        role=Role.PARTNER_CONTACT, organisation__in=by_org
    ).select_related("user")
    for role in contacts:
        names = ", ".join(sorted(by_org.get(role.organisation_id or 0, [])))
        notify(
            recipient=role.user,
            kind=PARTNER_LEARNERS.code,
            title=f"Learners coming to you: {names}",
            url=reverse("projects:partner_view"),
        )


def capacity_use(pairing_round: PairingRound) -> dict[int, int]:
    return dict(
        Pairing.objects.filter(round=pairing_round)
        .values("partner")
        .annotate(n=Count("id"))
        .values_list("partner", "n")
    )


# --- Immersive days -------------------------------------------------------------------------


@transaction.atomic
def day_plan(*, actor: User, pairing: Pairing, date: Any) -> Any:
    from enhance.projects.models import ImmersiveDay

    if (
        pairing.membership.person.user_id != actor.pk
        and not rounds_manageable_by(actor).filter(pk=pairing.round_id).exists()
    ):
        raise PermissionDenied
    if pairing.round.status != PairingRound.Status.CONFIRMED:
        raise ValidationError(PLAN_DAYS_ONCE_PAIRS_CONFIRMED)
    if ImmersiveDay.objects.filter(pairing=pairing, date=date).exists():
        raise ValidationError({"date": DAY_ALREADY_PLANNED})
    return ImmersiveDay.objects.create(pairing=pairing, date=date)


@transaction.atomic
def day_confirm(*, actor: User, day: Any) -> Any:
    from django.utils import timezone

    if day.pairing.partner.organisation_id not in scope_for(actor).partner_orgs:
        raise PermissionDenied(ONLY_PARTNER_S_CONTACTS_CONFIRM)
    if day.date > timezone.localdate():
        raise ValidationError(CONFIRM_ATTENDANCE_AFTER_DAY)
    day.confirmed_by = actor
    day.confirmed_at = timezone.now()
    day.save(update_fields=["confirmed_by", "confirmed_at"])
    return day


@transaction.atomic
def day_observe(*, actor: User, day: Any, observations: str) -> Any:
    if day.pairing.membership.person.user_id != actor.pk:
        raise PermissionDenied
    day.observations = observations.strip()
    day.save(update_fields=["observations"])
    return day
