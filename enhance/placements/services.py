"""Writes for placements: opportunities, blocks, preferences, constraints, allocation runs,
publication and the clinic log. Rules live here; views and tasks call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.text import counted
from enhance.core.validation import save_valid
from enhance.notifications.services import Message, notify, notify_many
from enhance.placements import access
from enhance.placements import notifications as kinds
from enhance.placements.allocation import block_instance
from enhance.placements.models import (
    AllocationRun,
    ClinicEntry,
    Constraint,
    Opportunity,
    Placement,
    PlacementBlock,
    Preference,
    PreferenceSet,
)
from enhance.placements.tasks import publish_run, run_allocation
from enhance.programmes.access import scope_for
from enhance.programmes.models import Membership

# Messages people see when a rule refuses them (tests assert them by name).
YOU_CAN_MANAGE_OPPORTUNITIES_OWN = "You can manage opportunities of your own organisation only."
CHOOSE_SITE_ORGANISATION = "Choose a site of this organisation."
YOU_CANNOT_OPEN_PLACEMENT_BLOCKS = "You cannot open placement blocks for this cohort."
PLACEMENTS_BLOCK_ALREADY_PUBLISHED = "Placements for this block are already published."
ONLY_LEARNER_CAN_RANK_THEIR = "Only the learner can rank their own preferences."
CHOOSE_MODE = "Choose a mode."
BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED = "This block's placements are already published."
ONLY_FINISHED_RUN_CAN_PUBLISHED = "Only a finished run can be published."
ALREADY_PUBLISHING = "A run of this block is being published; wait for it to finish."
PUBLISH_FAILED = "Publishing stopped with an error and nothing was published. Try again."
NOT_ALLOWED_NOW = "The person who asked may no longer publish this block's placements."
ONLY_LEARNER_PLACEMENT_CAN_LOG = "Only the learner on this placement can log clinics."
ONLY_QUERIED_CLINICS_ANSWERED = "Only a clinic your community lead queried needs an answer."
ANSWER_THE_QUESTION = "Answer the community lead's question."
CLINIC_ANSWERED_TITLE = "{person} answered your question about the clinic on {day:%-d %B}"
YOU_CANNOT_LOG_CLINIC_FUTURE = "You cannot log a clinic in the future."
OUTSIDE_PLACEMENT = "The date must fall within the placement, {starts:%d/%m/%Y} to {ends:%d/%m/%Y}."
ONLY_COMMUNITY_LEAD_PLACEMENT_CAN = "Only the community lead of this placement can confirm clinics."
SAY_WHAT_NEEDS_CHECKING_SO = "Say what needs checking, so the learner can answer."

DEADLINE_PASSED = "Preferences for this block closed on {when}: ask your programme lead to change them."
TOO_MANY = "Rank at most {n} opportunities."
NOT_OFFERED = "Choose only opportunities offered in this block."
REPEATED = "Each opportunity can be ranked only once."


# --- Opportunities -------------------------------------------------------------------------


@transaction.atomic
def opportunity_save(*, actor: User, opportunity: Opportunity, domains: Any = None) -> Opportunity:
    """Create or change an opportunity. Community leads work on their own organisation only."""
    scope = scope_for(actor)
    if not (scope.admin or opportunity.organisation_id in scope.community_orgs):
        raise PermissionDenied(YOU_CAN_MANAGE_OPPORTUNITIES_OWN)
    if opportunity.site is not None and opportunity.site.organisation_id != opportunity.organisation_id:
        raise ValidationError({"site": CHOOSE_SITE_ORGANISATION})
    save_valid(opportunity)
    if domains is not None:
        opportunity.domains.set(domains)
    return opportunity


# --- Blocks and preferences ----------------------------------------------------------------


@transaction.atomic
def block_create(*, actor: User, block: PlacementBlock, opportunities: Any) -> PlacementBlock:
    if (
        not access.can_run_blocks(actor)
        or not access.programmes_run_by(actor).filter(pk=block.cohort.programme_id).exists()
    ):
        raise PermissionDenied(YOU_CANNOT_OPEN_PLACEMENT_BLOCKS)
    block.created_by = actor
    save_valid(block)
    block.opportunities.set(opportunities)
    return block


def _check_open(block: PlacementBlock, now: dt.datetime | None = None) -> None:
    if block.status != PlacementBlock.Status.OPEN:
        raise ValidationError(PLACEMENTS_BLOCK_ALREADY_PUBLISHED)
    if (now or timezone.now()) > block.preferences_close_at:
        when = timezone.localtime(block.preferences_close_at)
        raise ValidationError(DEADLINE_PASSED.format(when=f"{when:%d %B %Y at %H:%M}"))


@transaction.atomic
def preferences_set(
    *,
    actor: User,
    block: PlacementBlock,
    membership: Membership,
    opportunity_ids: list[int],
    interests: str = "",
    learning_needs: str = "",
) -> PreferenceSet:
    """Replace a learner's ranking (best first). Only the learner, only before the deadline."""
    if membership.person.user_id != actor.pk or membership.cohort_id != block.cohort_id:
        raise PermissionDenied(ONLY_LEARNER_CAN_RANK_THEIR)
    _check_open(block)
    if len(opportunity_ids) > block.choices:
        raise ValidationError(TOO_MANY.format(n=block.choices))
    if len(set(opportunity_ids)) != len(opportunity_ids):
        raise ValidationError(REPEATED)
    offered = set(block.opportunities.filter(active=True).values_list("id", flat=True))
    if not set(opportunity_ids) <= offered:
        raise ValidationError(NOT_OFFERED)
    pref_set, _ = PreferenceSet.objects.get_or_create(block=block, membership=membership)
    # Lock the learner's set so two tabs saving at once cannot interleave their rankings.
    pref_set = PreferenceSet.objects.select_for_update().get(pk=pref_set.pk)
    pref_set.interests = interests.strip()
    pref_set.learning_needs = learning_needs.strip()
    pref_set.save()
    pref_set.choices.all().delete()
    Preference.objects.bulk_create(
        Preference(preference_set=pref_set, opportunity_id=oid, rank=rank)
        for rank, oid in enumerate(opportunity_ids, start=1)
    )
    return pref_set


def ranking_after(order: list[int], action: str) -> list[int]:
    """A ranking (opportunity ids, best first) after one button: add:ID, remove:ID, up:ID,
    down:ID, or save (no change). Anything else leaves it as it was."""
    verb, _, raw = action.partition(":")
    if verb == "save" or not raw.isdigit():
        return list(order)
    pk = int(raw)
    order = list(order)
    if verb == "add" and pk not in order:
        order.append(pk)
    elif verb == "remove" and pk in order:
        order.remove(pk)
    elif verb in ("up", "down") and pk in order:
        i = order.index(pk)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    return order


@transaction.atomic
def preferences_change(
    *,
    actor: User,
    block: PlacementBlock,
    membership: Membership,
    action: str,
    interests: str | None = None,
    learning_needs: str | None = None,
) -> PreferenceSet:
    """Apply one ranking button to the learner's ranking as stored now. The learner's row is
    locked first, so rapid clicks (or two tabs) apply one after another and none is lost."""
    Membership.objects.select_for_update().filter(pk=membership.pk).first()
    current = PreferenceSet.objects.filter(block=block, membership=membership).first()
    order = list(current.choices.order_by("rank").values_list("opportunity_id", flat=True)) if current else []
    return preferences_set(
        actor=actor,
        block=block,
        membership=membership,
        opportunity_ids=ranking_after(order, action),
        interests=interests if interests is not None else (current.interests if current else ""),
        learning_needs=learning_needs
        if learning_needs is not None
        else (current.learning_needs if current else ""),
    )


@transaction.atomic
def constraint_set(
    *, actor: User, block: PlacementBlock, membership: Membership, opportunity: Opportunity, kind: str | None
) -> None:
    """Pin or forbid a pair for the next runs, or clear it (kind None)."""
    if not access.blocks_manageable_by(actor).filter(pk=block.pk).exists():
        raise PermissionDenied
    Constraint.objects.filter(block=block, membership=membership, opportunity=opportunity).delete()
    if kind is None:
        return
    if kind == Constraint.Kind.PIN:
        # A learner has at most one pin: a new pin replaces the old.
        Constraint.objects.filter(block=block, membership=membership, kind=Constraint.Kind.PIN).delete()
    Constraint.objects.create(
        block=block, membership=membership, opportunity=opportunity, kind=kind, created_by=actor
    )


# --- Allocation runs -----------------------------------------------------------------------


@transaction.atomic
def allocation_run_start(*, actor: User, block: PlacementBlock, mode: str) -> AllocationRun:
    if not access.blocks_manageable_by(actor).filter(pk=block.pk).exists():
        raise PermissionDenied
    if mode not in AllocationRun.Mode.values:
        raise ValidationError({"mode": CHOOSE_MODE})
    block = PlacementBlock.objects.select_for_update().get(pk=block.pk)  # serialises run numbering
    if block.status == PlacementBlock.Status.PUBLISHED:
        raise ValidationError(BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED)
    number = (block.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = AllocationRun.objects.create(
        block=block, number=number, mode=mode, instance=block_instance(block, mode), created_by=actor
    )
    transaction.on_commit(lambda: run_allocation.enqueue(run_id=run.pk))
    return run


def _publishable(actor: User, run: AllocationRun) -> PlacementBlock:
    """The run's block, locked, once the actor may publish this run into it."""
    if not access.blocks_manageable_by(actor).filter(pk=run.block_id).exists():
        raise PermissionDenied
    block = PlacementBlock.objects.select_for_update().get(pk=run.block_id)
    if block.status == PlacementBlock.Status.PUBLISHED:
        raise ValidationError(BLOCK_S_PLACEMENTS_ALREADY_PUBLISHED)
    if run.status != AllocationRun.Status.DONE or run.result is None:
        raise ValidationError(ONLY_FINISHED_RUN_CAN_PUBLISHED)
    return block


@transaction.atomic
def allocation_run_publish_request(*, actor: User, run: AllocationRun) -> AllocationRun:
    """Publish a finished run in the background (thousands of placements and messages): checked
    now, done by `allocation_run_publish` once this commits. One publication per block at a time."""
    _publishable(actor, run)
    if (
        AllocationRun.objects.filter(block_id=run.block_id, published_at__isnull=True, publish_error="")
        .exclude(publish_requested_at__isnull=True)
        .exists()
    ):
        raise ValidationError(ALREADY_PUBLISHING)
    run.publish_requested_at, run.publish_requested_by, run.publish_error = timezone.now(), actor, ""
    run.save(update_fields=["publish_requested_at", "publish_requested_by", "publish_error"])
    transaction.on_commit(lambda: publish_run.enqueue(run_id=run.pk))
    return run


def allocation_run_publish_requested(run_id: int) -> str:
    """The background task: publish as the person who asked, or record why it could not be."""
    run = AllocationRun.objects.select_related("publish_requested_by").get(pk=run_id)
    if run.published_at or run.publish_requested_by is None:
        return "nothing to publish"
    try:
        made = allocation_run_publish(actor=run.publish_requested_by, run=run)
    except (ValidationError, PermissionDenied) as exc:
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else NOT_ALLOWED_NOW
        AllocationRun.objects.filter(pk=run.pk).update(publish_error=reason)
        return reason
    except Exception:  # the lead is shown it stopped (nothing was kept) rather than a page that spins
        AllocationRun.objects.filter(pk=run.pk).update(publish_error=PUBLISH_FAILED)
        raise
    return f"{len(made)} placements"


@transaction.atomic
def allocation_run_publish(*, actor: User, run: AllocationRun) -> list[Placement]:
    """Create the placements of a finished run and tell learners and community leads."""
    block = _publishable(actor, run)
    result: dict[str, Any] = run.result or {}  # a finished run has one
    memberships = Membership.objects.in_bulk([a["learner"] for a in result["assignments"]])
    opportunities = Opportunity.objects.select_related("organisation", "community_lead").in_bulk(
        [a["opportunity"] for a in result["assignments"]]
    )
    placements = Placement.objects.bulk_create(
        Placement(
            membership=memberships[a["learner"]],
            opportunity=opportunities[a["opportunity"]],
            block=block,
            run=run,
            rank=a["rank"],
            starts_on=block.starts_on,
            ends_on=block.ends_on,
        )
        for a in result["assignments"]
        if a["learner"] in memberships and a["opportunity"] in opportunities
    )
    block.status = PlacementBlock.Status.PUBLISHED
    block.save(update_fields=["status"])
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    people = {
        m.pk: m
        for m in Membership.objects.select_related("person__user").filter(
            pk__in=[p.membership_id for p in placements]
        )
    }
    told = [
        Message(
            user,
            f"Your placement: {p.opportunity}",
            f"{block.name}, {block.starts_on:%d %B} to {block.ends_on:%d %B %Y}.",
            reverse("placements:my_placements"),
        )
        for p in placements
        if (user := people[p.membership_id].person.user) is not None
    ]
    unplaced = Membership.objects.select_related("person__user").filter(pk__in=result["unassigned"])
    told += [
        Message(
            user,
            f"{block.name}: no placement yet",
            "None of your choices could be offered. Your programme lead will contact you.",
            reverse("placements:my_placements"),
        )
        for m in unplaced
        if (user := m.person.user) is not None
    ]
    notify_many(kind=kinds.PLACEMENT_PUBLISHED.code, messages=told)
    _tell_community_leads(block, placements)
    return placements


def _tell_community_leads(block: PlacementBlock, placements: list[Placement]) -> None:
    """Every community lead of each receiving organisation (and the opportunity's named lead)
    is told how many learners are coming."""
    receivers = access.community_leads_of(
        list({p.opportunity.pk: p.opportunity for p in placements}.values())
    )
    coming: dict[int, tuple[User, int]] = {}
    for p in placements:
        for lead in receivers[p.opportunity.pk]:
            coming[lead.pk] = (lead, coming.get(lead.pk, (lead, 0))[1] + 1)
    notify_many(
        kind=kinds.PLACEMENT_INCOMING.code,
        messages=[
            Message(
                lead,
                f"{counted(count, 'learner')} coming for {block.name}",
                url=reverse("placements:incoming"),
            )
            for lead, count in coming.values()
        ],
    )


# --- Clinic log ----------------------------------------------------------------------------


@transaction.atomic
def clinic_entry_add(*, actor: User, placement: Placement, entry: ClinicEntry) -> ClinicEntry:
    if placement.membership.person.user_id != actor.pk:
        raise PermissionDenied(ONLY_LEARNER_PLACEMENT_CAN_LOG)
    if entry.date and not (placement.starts_on <= entry.date <= placement.ends_on):
        raise ValidationError(
            {"date": OUTSIDE_PLACEMENT.format(starts=placement.starts_on, ends=placement.ends_on)}
        )
    if entry.date and entry.date > timezone.localdate():
        raise ValidationError({"date": YOU_CANNOT_LOG_CLINIC_FUTURE})
    entry.placement = placement
    save_valid(entry)
    return entry


@transaction.atomic
def clinic_entry_answer(*, actor: User, entry: ClinicEntry, answer: str, **corrections: Any) -> ClinicEntry:
    """The learner answers a queried clinic (and may correct its date, site, supervisor or
    notes); it waits for confirmation again and the organisation's community leads are told."""
    entry = (
        ClinicEntry.objects.select_for_update(of=("self",))
        .select_related("placement__membership__person", "placement__opportunity__community_lead")
        .get(pk=entry.pk)
    )
    placement = entry.placement
    if placement.membership.person.user_id != actor.pk:
        raise PermissionDenied(ONLY_LEARNER_PLACEMENT_CAN_LOG)
    if not entry.queried:
        raise ValidationError(ONLY_QUERIED_CLINICS_ANSWERED)
    if not answer.strip():
        raise ValidationError({"answer": ANSWER_THE_QUESTION})
    day = corrections.get("date") or entry.date
    if not (placement.starts_on <= day <= placement.ends_on):
        raise ValidationError(
            {"date": OUTSIDE_PLACEMENT.format(starts=placement.starts_on, ends=placement.ends_on)}
        )
    if day > timezone.localdate():
        raise ValidationError({"date": YOU_CANNOT_LOG_CLINIC_FUTURE})
    for name in ("date", "site", "supervisor", "notes"):
        if name in corrections:
            setattr(entry, name, corrections[name])
    entry.answer, entry.status = answer.strip(), ClinicEntry.Status.SUBMITTED
    save_valid(entry)
    leads = access.community_leads_of([placement.opportunity])[placement.opportunity.pk]
    title = CLINIC_ANSWERED_TITLE.format(person=placement.membership.person.full_name, day=entry.date)
    url = reverse("placements:placement_detail", args=[placement.pk])
    notify_many(
        kind=kinds.CLINIC_ANSWERED.code,
        messages=[Message(u, title, entry.answer, url) for u in leads],
    )
    return entry


@transaction.atomic
def clinic_entry_review(*, actor: User, entry: ClinicEntry, confirm: bool, query: str = "") -> ClinicEntry:
    entry = (
        ClinicEntry.objects.select_for_update(of=("self",))
        .select_related("placement__membership__person")
        .get(pk=entry.pk)
    )
    if not access.can_review_clinic(actor, entry):
        raise PermissionDenied(ONLY_COMMUNITY_LEAD_PLACEMENT_CAN)
    if not confirm and not query.strip():
        raise ValidationError({"query": SAY_WHAT_NEEDS_CHECKING_SO})
    entry.status = ClinicEntry.Status.CONFIRMED if confirm else ClinicEntry.Status.QUERIED
    entry.query = "" if confirm else query.strip()
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.save()
    if not confirm and entry.placement.membership.person.user is not None:
        notify(
            recipient=entry.placement.membership.person.user,
            kind=kinds.CLINIC_QUERIED.code,
            title=f"Question about your clinic on {entry.date:%d %B}",
            body=entry.query,
            url=reverse("placements:placement_detail", args=[entry.placement_id]),
        )
    return entry
