"""Changes to a block's placements after publication: a lead places an unplaced learner, moves
or swaps placements, or withdraws one, always with a reason. The block's row is locked first,
so concurrent changes apply one after another and no opportunity is filled past its places.
The learners and the community leads of every opportunity involved are told."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse

from enhance.accounts.models import User
from enhance.notifications.services import Message, notify_many
from enhance.placements import access
from enhance.placements import notifications as kinds
from enhance.placements.models import (
    Opportunity,
    Placement,
    PlacementBlock,
    PlacementChange,
    Preference,
)
from enhance.programmes.models import Membership

NOT_PUBLISHED = "Placements of this block are not published yet: change the run instead."
GIVE_A_REASON = "Say why, for the record the learner and the community lead see."
ALREADY_PLACED = "{person} already has a placement in this block: move it instead."
NOT_PLACED = "{person} has no placement in this block."
NO_ROOM = "{opportunity} has no place left in this block ({capacity} of {capacity} taken)."
NEEDS_DRIVER = "{opportunity} needs a driver and {person}'s record shows no driving licence."
SAME_OPPORTUNITY = "{person} is already at {opportunity}."
NOT_IN_BLOCK = "Choose an opportunity offered in this block."
NOT_A_LEARNER = "Choose an active learner of this block's cohort."
HAS_CLINICS = (
    "{person} has logged clinics at {opportunity}; they stay on record, so this placement cannot change."
)
SWAP_SELF = "Choose another learner to swap with."
SWAP_SAME = "Both learners are at {opportunity}: nothing to swap."

CHOOSE_WHAT = "Choose what to do."
DONE_PLACED = "{person} placed at {opportunity}. They and the community leads were told."
DONE_MOVED = "{person} moved to {opportunity}. They and the community leads were told."
DONE_SWAPPED = "{person} and {other} swapped placements. They and the community leads were told."
DONE_WITHDRAWN = "{person}'s placement withdrawn. They and the community lead were told."

TITLE_PLACED = "Your placement: {opportunity}"
TITLE_WITHDRAWN = "Your placement at {opportunity} was withdrawn"
TITLE_COMING = "{person} is coming to {opportunity} for {block}"
TITLE_NOT_COMING = "{person} is no longer coming to {opportunity} for {block}"


def places_taken(block: PlacementBlock) -> dict[int, int]:
    """Places taken per opportunity in the block."""
    return dict(
        Placement.objects.filter(block=block)
        .values("opportunity")
        .annotate(n=Count("pk"))
        .values_list("opportunity", "n")
    )


def opportunities_with_room(block: PlacementBlock) -> list[tuple[Opportunity, int]]:
    """The block's active opportunities with the places left in each (full ones included, with 0)."""
    taken = places_taken(block)
    offered = block.opportunities.filter(active=True).select_related("organisation").order_by("title")
    return [(o, max(o.capacity - taken.get(o.pk, 0), 0)) for o in offered]


def changes_of(block: PlacementBlock) -> QuerySet[PlacementChange]:
    return PlacementChange.objects.filter(block=block).select_related(
        "membership__person", "other__person", "from_opportunity", "to_opportunity", "changed_by"
    )


def others_placed(block: PlacementBlock, membership: Membership) -> QuerySet[Membership]:
    """The block's other placed learners, each with the title of where they are."""
    where = Placement.objects.filter(block=block, membership=OuterRef("pk")).values("opportunity__title")
    return (
        Membership.objects.filter(placements__block=block)
        .exclude(pk=membership.pk)
        .annotate(block_placement=Subquery(where[:1]))
        .select_related("person")
        .order_by("person__surname", "person__forename", "pk")
    )


def change(
    *,
    actor: User,
    block: PlacementBlock,
    membership: Membership,
    action: str,
    reason: str,
    opportunity: Opportunity | None = None,
    other: Membership | None = None,
) -> str:
    """Apply one change chosen on the page; answers what was done, for the person to read."""
    person = membership.person
    if action == "place" and opportunity is not None:
        placement_place(
            actor=actor, block=block, membership=membership, opportunity=opportunity, reason=reason
        )
        return DONE_PLACED.format(person=person, opportunity=opportunity)
    if action == "move" and opportunity is not None:
        placement_move(
            actor=actor, block=block, membership=membership, opportunity=opportunity, reason=reason
        )
        return DONE_MOVED.format(person=person, opportunity=opportunity)
    if action == "swap" and other is not None:
        placement_swap(actor=actor, block=block, membership=membership, other=other, reason=reason)
        return DONE_SWAPPED.format(person=person, other=other.person)
    if action == "withdraw":
        placement_withdraw(actor=actor, block=block, membership=membership, reason=reason)
        return DONE_WITHDRAWN.format(person=person)
    raise ValidationError(CHOOSE_WHAT)


def _locked(actor: User, block: PlacementBlock, reason: str) -> PlacementBlock:
    if not access.blocks_manageable_by(actor).filter(pk=block.pk).exists():
        raise PermissionDenied
    locked = PlacementBlock.objects.select_for_update().get(pk=block.pk)
    if locked.status != PlacementBlock.Status.PUBLISHED:
        raise ValidationError(NOT_PUBLISHED)
    if not reason.strip():
        raise ValidationError({"reason": GIVE_A_REASON})
    return locked


def _check_fits(block: PlacementBlock, membership: Membership, opportunity: Opportunity, field: str) -> None:
    if not block.opportunities.filter(pk=opportunity.pk, active=True).exists():
        raise ValidationError({field: NOT_IN_BLOCK})
    if opportunity.requires_driver and not membership.holds_driving_licence:
        raise ValidationError({field: NEEDS_DRIVER.format(opportunity=opportunity, person=membership.person)})


def _check_room(block: PlacementBlock, opportunity: Opportunity) -> None:
    if places_taken(block).get(opportunity.pk, 0) >= opportunity.capacity:
        raise ValidationError(
            {"opportunity": NO_ROOM.format(opportunity=opportunity, capacity=opportunity.capacity)}
        )


def _check_no_clinics(placement: Placement) -> None:
    if placement.clinics.exists():
        raise ValidationError(
            HAS_CLINICS.format(person=placement.membership.person, opportunity=placement.opportunity)
        )


def _rank(membership: Membership, block: PlacementBlock, opportunity: Opportunity) -> int | None:
    return (
        Preference.objects.filter(
            preference_set__block=block, preference_set__membership=membership, opportunity=opportunity
        )
        .values_list("rank", flat=True)
        .first()
    )


def _learner(block: PlacementBlock, membership: Membership) -> Membership:
    if membership.cohort_id != block.cohort_id or membership.status != Membership.Status.ACTIVE:
        raise ValidationError({"membership": NOT_A_LEARNER})
    return membership


def _placement_of(block: PlacementBlock, membership: Membership) -> Placement:
    placement = (
        Placement.objects.select_related("membership__person__user", "opportunity")
        .filter(block=block, membership=membership)
        .first()
    )
    if placement is None:
        raise ValidationError(NOT_PLACED.format(person=membership.person))
    return placement


@transaction.atomic
def placement_place(
    *, actor: User, block: PlacementBlock, membership: Membership, opportunity: Opportunity, reason: str
) -> Placement:
    """Place a learner who has no placement in the block."""
    block = _locked(actor, block, reason)
    _learner(block, membership)
    if Placement.objects.filter(block=block, membership=membership).exists():
        raise ValidationError(ALREADY_PLACED.format(person=membership.person))
    _check_fits(block, membership, opportunity, "opportunity")
    _check_room(block, opportunity)
    run = block.runs.filter(published_at__isnull=False).get()
    placement = Placement.objects.create(
        membership=membership,
        opportunity=opportunity,
        block=block,
        run=run,
        rank=_rank(membership, block, opportunity),
        starts_on=block.starts_on,
        ends_on=block.ends_on,
    )
    _record(actor, block, PlacementChange.Kind.PLACED, membership, None, opportunity, reason)
    _tell(block, [(membership, None, opportunity)], reason)
    return placement


@transaction.atomic
def placement_move(
    *, actor: User, block: PlacementBlock, membership: Membership, opportunity: Opportunity, reason: str
) -> Placement:
    """Move a placed learner to another opportunity with room."""
    block = _locked(actor, block, reason)
    placement = _placement_of(block, membership)
    if placement.opportunity_id == opportunity.pk:
        raise ValidationError(
            {"opportunity": SAME_OPPORTUNITY.format(person=membership.person, opportunity=opportunity)}
        )
    _check_no_clinics(placement)
    _check_fits(block, membership, opportunity, "opportunity")
    _check_room(block, opportunity)
    before = placement.opportunity
    placement.opportunity, placement.rank = opportunity, _rank(membership, block, opportunity)
    placement.save(update_fields=["opportunity", "rank"])
    _record(actor, block, PlacementChange.Kind.MOVED, membership, before, opportunity, reason)
    _tell(block, [(membership, before, opportunity)], reason)
    return placement


@transaction.atomic
def placement_swap(
    *, actor: User, block: PlacementBlock, membership: Membership, other: Membership, reason: str
) -> None:
    """Swap the placements of two placed learners of the block."""
    block = _locked(actor, block, reason)
    if other.pk == membership.pk:
        raise ValidationError({"other": SWAP_SELF})
    first, second = _placement_of(block, membership), _placement_of(block, other)
    if first.opportunity_id == second.opportunity_id:
        raise ValidationError({"other": SWAP_SAME.format(opportunity=first.opportunity)})
    for placement in (first, second):
        _check_no_clinics(placement)
    a, b = first.opportunity, second.opportunity
    _check_fits(block, membership, b, "other")
    _check_fits(block, other, a, "other")
    first.opportunity, first.rank = b, _rank(membership, block, b)
    second.opportunity, second.rank = a, _rank(other, block, a)
    first.save(update_fields=["opportunity", "rank"])
    second.save(update_fields=["opportunity", "rank"])
    _record(actor, block, PlacementChange.Kind.SWAPPED, membership, a, b, reason, other=other)
    _tell(block, [(membership, a, b), (other, b, a)], reason)


@transaction.atomic
def placement_withdraw(*, actor: User, block: PlacementBlock, membership: Membership, reason: str) -> None:
    """Withdraw a learner's placement (before any clinic is logged at it)."""
    block = _locked(actor, block, reason)
    placement = _placement_of(block, membership)
    _check_no_clinics(placement)
    before = placement.opportunity
    placement.delete()
    _record(actor, block, PlacementChange.Kind.WITHDRAWN, membership, before, None, reason)
    _tell(block, [(membership, before, None)], reason)


def _record(
    actor: User,
    block: PlacementBlock,
    kind: str,
    membership: Membership,
    before: Opportunity | None,
    after: Opportunity | None,
    reason: str,
    other: Membership | None = None,
) -> None:
    PlacementChange.objects.create(
        block=block,
        kind=kind,
        membership=membership,
        other=other,
        from_opportunity=before,
        to_opportunity=after,
        reason=reason.strip(),
        changed_by=actor,
    )


def _tell(
    block: PlacementBlock, moves: list[tuple[Membership, Opportunity | None, Opportunity | None]], reason: str
) -> None:
    """Each learner hears where they are now; the community leads of the opportunity they left
    and the one they join hear who is (no longer) coming."""
    involved = [o for _, before, after in moves for o in (before, after) if o is not None]
    leads = access.community_leads_of(involved)
    learner_url, leads_url = reverse("placements:my_placements"), reverse("placements:incoming")
    told: list[Message] = []
    for membership, before, after in moves:
        person = membership.person
        if person.user is not None:
            title = (
                TITLE_PLACED.format(opportunity=after)
                if after
                else TITLE_WITHDRAWN.format(opportunity=before)
            )
            told.append(Message(person.user, title, f"{block.name}. {reason.strip()}", learner_url))
        if before is not None:
            title = TITLE_NOT_COMING.format(person=person, opportunity=before, block=block)
            told += [Message(u, title, reason.strip(), leads_url) for u in leads[before.pk]]
        if after is not None:
            title = TITLE_COMING.format(person=person, opportunity=after, block=block)
            told += [Message(u, title, reason.strip(), leads_url) for u in leads[after.pk]]
    notify_many(kind=kinds.PLACEMENT_CHANGED.code, messages=told)
