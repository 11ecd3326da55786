"""Changes to pairs after a round is confirmed: a lead pairs an unpaired learner, moves one to
another partner, or unpairs them, with a reason. The round's row is locked first, so no
partner takes more learners than it can host; the learner and every contact of the partners
involved are told, and each change is listed on the board."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from enhance.accounts.models import User
from enhance.notifications.services import Message, notify_many
from enhance.programmes.models import Membership, Role, RoleAssignment
from enhance.projects.access import rounds_manageable_by
from enhance.projects.models import Pairing, PairingChange, PairingRound, Partner, PartnerChoice
from enhance.projects.notifications import PAIRING_CHANGED
from enhance.projects.services import pairing_set

NOT_CONFIRMED = "The round is still open: change the pairs on the board, then confirm."
GIVE_A_REASON = "Say why the pair changes, for the record the learner and the partner see."
NOT_IN_COHORT = "This learner is not an active learner of the round's cohort."
NOT_OFFERED = "Choose a partner offered in this round."
UNCHANGED = "{person} is already {where}."
HAS_DAYS = "{person} has immersive days with {partner}; they stay on record, so the pair cannot change."
FULL = "{partner} can host {places} learners and is full."
CHANGED_OPEN = "Changed the pair for {person}."
DONE = "{person} is now {where}. They and the partner contacts were told."

TITLE_LEARNER = "Your immersive-experience partner is now {partner}"
TITLE_UNPAIRED = "You are no longer paired with {partner}"
TITLE_COMING = "{person} is now paired with {partner}"
TITLE_LEAVING = "{person} is no longer paired with {partner}"


def changes_of(pairing_round: PairingRound) -> QuerySet[PairingChange]:
    return PairingChange.objects.filter(round=pairing_round).select_related(
        "membership__person", "from_partner__organisation", "to_partner__organisation", "changed_by"
    )


def _where(partner: Partner | None) -> str:
    return f"paired with {partner}" if partner else "unpaired"


def pair(
    *,
    actor: User,
    pairing_round: PairingRound,
    membership: Membership,
    partner: Partner | None,
    reason: str = "",
) -> str:
    """The board's one change: in an open round a plain change of pair; after confirmation a
    recorded change with its reason. Answers what was done."""
    pairing_round.refresh_from_db(fields=["status"])
    if pairing_round.is_open:
        pairing_set(actor=actor, pairing_round=pairing_round, membership=membership, partner=partner)
        return CHANGED_OPEN.format(person=membership.person)
    return pairing_change(
        actor=actor, pairing_round=pairing_round, membership=membership, partner=partner, reason=reason
    )


@transaction.atomic
def pairing_change(
    *, actor: User, pairing_round: PairingRound, membership: Membership, partner: Partner | None, reason: str
) -> str:
    """Pair, move or unpair one learner of a confirmed round; answers what was done."""
    if not rounds_manageable_by(actor).filter(pk=pairing_round.pk).exists():
        raise PermissionDenied
    locked = PairingRound.objects.select_for_update().get(pk=pairing_round.pk)
    if locked.is_open:
        raise ValidationError(NOT_CONFIRMED)
    if not reason.strip():
        raise ValidationError({"reason": GIVE_A_REASON})
    if membership.cohort_id != locked.cohort_id or membership.status != Membership.Status.ACTIVE:
        raise ValidationError(NOT_IN_COHORT)
    current = Pairing.objects.filter(round=locked, membership=membership).select_related("partner").first()
    before = current.partner if current else None
    if (before.pk if before else None) == (partner.pk if partner else None):
        raise ValidationError(UNCHANGED.format(person=membership.person, where=_where(partner)))
    if current is not None and current.days.exists():
        raise ValidationError(HAS_DAYS.format(person=membership.person, partner=before))
    if partner is not None:
        _check_room(locked, partner)
    if current is not None:
        current.delete()
    if partner is not None:
        rank = (
            PartnerChoice.objects.filter(round=locked, membership=membership, partner=partner)
            .values_list("rank", flat=True)
            .first()
        )
        Pairing.objects.create(round=locked, membership=membership, partner=partner, rank=rank)
    PairingChange.objects.create(
        round=locked,
        membership=membership,
        from_partner=before,
        to_partner=partner,
        reason=reason.strip(),
        changed_by=actor,
    )
    _tell(membership, before, partner, reason.strip())
    return DONE.format(person=membership.person, where=_where(partner))


def _check_room(pairing_round: PairingRound, partner: Partner) -> None:
    if not pairing_round.partners.filter(pk=partner.pk).exists():
        raise ValidationError({"partner": NOT_OFFERED})
    if Pairing.objects.filter(round=pairing_round, partner=partner).count() >= partner.learners_per_year:
        raise ValidationError({"partner": FULL.format(partner=partner, places=partner.learners_per_year)})


def _tell(membership: Membership, before: Partner | None, after: Partner | None, reason: str) -> None:
    person = membership.person
    told: list[Message] = []
    if person.user is not None:
        title = TITLE_LEARNER.format(partner=after) if after else TITLE_UNPAIRED.format(partner=before)
        told.append(Message(person.user, title, reason, reverse("projects:home")))
    partners = {p.organisation_id: p for p in (before, after) if p is not None}
    contacts = RoleAssignment.objects.filter(
        role=Role.PARTNER_CONTACT, organisation__in=partners
    ).select_related("user")
    for role in contacts:
        partner = partners[role.organisation_id or 0]
        template = TITLE_COMING if after is not None and partner.pk == after.pk else TITLE_LEAVING
        told.append(
            Message(
                role.user,
                template.format(person=person, partner=partner),
                reason,
                reverse("projects:partner_view"),
            )
        )
    notify_many(kind=PAIRING_CHANGED.code, messages=told)
