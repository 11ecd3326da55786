"""The claim workflow: learners add journeys and submit a month's claim; a lead in scope
approves or returns it; the employing Trust's finance officer exports approved claims in
batches and marks them paid. Money is whole pence throughout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.dates import add_months
from enhance.core.spreadsheets import SpreadsheetError, read_table
from enhance.core.validation import save_valid
from enhance.expenses import notifications as kinds
from enhance.expenses.access import APPROVED_STATUSES, can_approve
from enhance.expenses.models import Claim, Cost, ExportBatch, Journey, Mode
from enhance.expenses.rates import RateTable, mileage_year_start, price
from enhance.expenses.receipts import receipt_type
from enhance.notifications.services import Message, notify, notify_many
from enhance.programmes.access import scope_for
from enhance.programmes.models import Membership, Organisation
from enhance.programmes.services import notify_leads

# Messages people see when a rule refuses them (tests assert them by name).
CLAIM_PAID_TITLE = "Your claim for {month:%B %Y} was paid"
CLAIM_PAID_BODY = "Claim {reference} was paid on {paid_on:%-d %B %Y}."
ONLY_LEARNER_CAN_CHANGE_THEIR = "Only the learner can change their own claim."
ONLY_TRUST_S_FINANCE_OFFICERS = "Only the Trust's finance officers can export its claims."
YOU_CANNOT_CLAIM_MONTH_NOT = "You cannot claim for a month that has not started."
ADD_LEAST_ONE_JOURNEY_BEFORE = "Add at least one journey before you submit."
ONLY_SUBMITTED_CLAIM_CAN_RETURNED = "Only a submitted claim can be returned."
SAY_WHAT_NEEDS_CHANGING_SO = "Say what needs changing, so the learner can fix it."
ONLY_SUBMITTED_CLAIM_CAN_APPROVED = "Only a submitted claim can be approved."
YOU_CANNOT_APPROVE_OWN_CLAIM = "You cannot approve your own claim."
THERE_NO_APPROVED_CLAIMS_WAITING = "There are no approved claims waiting to be exported."
PAYMENT_FILE_NEEDS_COLUMNS_CLAIM = "The payment file needs the columns Claim reference and Paid on."


def months_ago(today: dt.date, months: int) -> dt.date:
    return add_months(today, -months)


LOCKED = "This claim has been submitted and cannot be changed."
JOURNEY_IN_FUTURE = "The journey date cannot be in the future."
WRONG_MONTH = "This claim is for {month:%B %Y}: add the journey to that month's claim."
TOO_OLD = "Journeys more than {months} months old cannot be claimed ({date:%d %B %Y})."
NO_DRIVING_LICENCE = "Mileage by car or motorcycle needs a driving licence on your record."
NO_INSURANCE = "Mileage needs business-use insurance: none is recorded for you."
INSURANCE_EXPIRED = "Your business-use insurance expired on {expired:%d %B %Y}, before this journey."
PASSENGERS_ONLY_WHEN_DRIVING = "Passengers are claimed only when you drive."
CHOOSE_PLACEMENT = "Choose the placement this journey was for."
CHOOSE_OWN_PLACEMENT = "Choose one of your own placements."
OUTSIDE_PLACEMENT = "The journey must fall within the placement, {starts:%d %B} to {ends:%d %B %Y}."
JOURNEY_PROBLEMS = "{journey}: {problems}"
NOT_AWAITING_PAYMENT = "{reference} is {status}, not waiting for payment."
ROW = "Row {row}: {message}"
NO_CLAIM = "no claim {reference} for {organisation}."
NOT_A_DATE = "'{value}' is not a date."


# --- Permissions ---------------------------------------------------------------------------


def _own(actor: User, claim: Claim) -> None:
    if claim.membership.person.user_id != actor.pk:
        raise PermissionDenied(ONLY_LEARNER_CAN_CHANGE_THEIR)


def _finance(actor: User, organisation: Organisation) -> None:
    scope = scope_for(actor)
    if not (scope.admin or organisation.pk in scope.finance_orgs):
        raise PermissionDenied(ONLY_TRUST_S_FINANCE_OFFICERS)


# --- Learners: claims and journeys ---------------------------------------------------------


@transaction.atomic
def claim_open(*, actor: User, membership: Membership, month: dt.date) -> Claim:
    if membership.person.user_id != actor.pk:
        raise PermissionDenied
    if month > timezone.localdate():
        raise ValidationError({"month": YOU_CANNOT_CLAIM_MONTH_NOT})
    claim, _ = Claim.objects.get_or_create(membership=membership, month=month.replace(day=1))
    return claim


def journey_problems(journey: Journey, membership: Membership, today: dt.date) -> dict[str, str]:
    """The rules a journey must meet, each with its own message (empty when all is well)."""
    errors: dict[str, str] = {}
    claim_month = journey.claim.month
    if journey.date > today:
        errors["date"] = JOURNEY_IN_FUTURE
    elif (journey.date.year, journey.date.month) != (claim_month.year, claim_month.month):
        errors["date"] = WRONG_MONTH.format(month=claim_month)
    else:
        window = membership.programme.claim_window_months
        if journey.date < months_ago(today, window):
            errors["date"] = TOO_OLD.format(months=window, date=journey.date)
    if journey.mode in (Mode.CAR, Mode.MOTORCYCLE) and journey.miles:
        if not membership.holds_driving_licence:
            errors["mode"] = NO_DRIVING_LICENCE
        elif not membership.business_insurance_expires_on:
            errors["mode"] = NO_INSURANCE
        elif membership.business_insurance_expires_on < journey.date:
            errors["mode"] = INSURANCE_EXPIRED.format(expired=membership.business_insurance_expires_on)
    if journey.mode == Mode.PUBLIC and journey.passengers:
        errors["passengers"] = PASSENGERS_ONLY_WHEN_DRIVING
    if journey.purpose == "placement":
        placement = journey.placement
        if placement is None:
            errors["placement"] = CHOOSE_PLACEMENT
        elif placement.membership_id != membership.pk:
            errors["placement"] = CHOOSE_OWN_PLACEMENT
        elif not placement.starts_on <= journey.date <= placement.ends_on:
            errors["date"] = OUTSIDE_PLACEMENT.format(starts=placement.starts_on, ends=placement.ends_on)
    return errors


@transaction.atomic
def journey_save(
    *, actor: User, claim: Claim, journey: Journey, costs: list[tuple[str, int, UploadedFile]] | None = None
) -> Journey:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__person", "membership__programme")
        .get(pk=claim.pk)
    )
    _own(actor, claim)
    if not claim.editable:
        raise ValidationError(LOCKED)
    journey.claim = claim
    if journey.purpose != "placement":
        journey.placement = None
    problems = journey_problems(journey, claim.membership, timezone.localdate())
    if problems:
        raise ValidationError(problems)
    if journey.mode == Mode.PUBLIC:
        journey.miles = Decimal(0)
    save_valid(journey)
    for kind, pence, upload in costs or []:
        try:
            kind_of_file = receipt_type(upload)
        except ValidationError as exc:
            raise ValidationError({"receipt": exc.messages}) from None
        save_valid(Cost(journey=journey, kind=kind, pence=pence, receipt=upload, receipt_type=kind_of_file))
    return journey


@transaction.atomic
def journey_delete(*, actor: User, journey: Journey) -> None:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__person")
        .get(pk=journey.claim_id)
    )
    _own(actor, claim)
    if not claim.editable:
        raise ValidationError(LOCKED)
    journey.delete()


def duplicate_journeys(claim: Claim) -> set[int]:
    """Journeys of this claim with the same learner, date and route as another journey."""
    mine = list(
        claim.journeys.annotate(
            route_from=Lower(Trim("origin")), route_to=Lower(Trim("destination"))
        ).values_list("pk", "date", "route_from", "route_to")
    )
    dates = {d for _, d, _, _ in mine}
    others = set(
        Journey.objects.filter(claim__membership__person_id=claim.membership.person_id, date__in=dates)
        .annotate(route_from=Lower(Trim("origin")), route_to=Lower(Trim("destination")))
        .values_list("pk", "date", "route_from", "route_to")
    )
    flagged = set()
    for pk, day, origin, dest in mine:
        if any(o_pk != pk and (o_day, o_o, o_d) == (day, origin, dest) for o_pk, o_day, o_o, o_d in others):
            flagged.add(pk)
    return flagged


@transaction.atomic
def claim_submit(*, actor: User, claim: Claim) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__person", "membership__programme")
        .get(pk=claim.pk)
    )
    _own(actor, claim)
    if not claim.editable:
        raise ValidationError(LOCKED)
    journeys = list(claim.journeys.select_related("placement", "claim"))
    if not journeys:
        raise ValidationError(ADD_LEAST_ONE_JOURNEY_BEFORE)
    today = timezone.localdate()
    for journey in journeys:
        problems = journey_problems(journey, claim.membership, today)
        if problems:
            raise ValidationError(
                JOURNEY_PROBLEMS.format(journey=journey, problems=" ".join(problems.values()))
            )
    provisional_total(claim)  # every journey must have a rate in force
    claim.status = Claim.Status.SUBMITTED
    claim.submitted_at = timezone.now()
    claim.return_reason = ""
    claim.save()
    notify_leads(
        claim.membership,
        kind=kinds.CLAIM_SUBMITTED.code,
        title=f"Expense claim from {claim.membership.person} for {claim.month:%B %Y}",
        url=claim.get_absolute_url(),
    )
    return claim


# --- Pricing -------------------------------------------------------------------------------


def _prior_car_miles(claim: Claim, years: set[dt.date]) -> dict[dt.date, Decimal]:
    """Car miles in claims approved before this one, per mileage year."""
    prior: dict[dt.date, Decimal] = {}
    if not years:
        return prior
    first = min(years)
    rows = (
        Journey.objects.filter(
            claim__membership__person_id=claim.membership.person_id,
            claim__status__in=APPROVED_STATUSES,
            mode=Mode.CAR,
            date__gte=first,
        )
        .exclude(claim=claim)
        .values_list("date", "miles")
    )
    for day, miles in rows:
        year = mileage_year_start(day)
        if year in years:
            prior[year] = prior.get(year, Decimal(0)) + miles
    return prior


def priced_lines(claim: Claim, journeys: list[Journey] | None = None) -> list[tuple[Journey, int, str]]:
    journeys = journeys if journeys is not None else list(claim.journeys.all())
    if claim.status in APPROVED_STATUSES:
        return [(j, j.mileage_pence or 0, j.rate_note) for j in journeys]
    years = {mileage_year_start(j.date) for j in journeys}
    prior = _prior_car_miles(claim, years)
    priced = price([(j.date, j.mode, j.miles, j.passengers) for j in journeys], RateTable(), prior)
    return [(j, p.pence, p.note) for j, p in zip(journeys, priced, strict=True)]


def provisional_total(claim: Claim) -> int:
    from enhance.expenses.rates import NoRate

    try:
        mileage = sum(p for _, p, _ in priced_lines(claim))
    except NoRate as exc:
        raise ValidationError(str(exc)) from None
    costs = Cost.objects.filter(journey__claim=claim).aggregate(s=Sum("pence"))["s"] or 0
    return mileage + costs


# --- Leads: approve or return --------------------------------------------------------------


@transaction.atomic
def claim_return(*, actor: User, claim: Claim, reason: str) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__person__user")
        .get(pk=claim.pk)
    )
    if not can_approve(actor, claim):
        raise PermissionDenied
    if claim.status != Claim.Status.SUBMITTED:
        raise ValidationError(ONLY_SUBMITTED_CLAIM_CAN_RETURNED)
    if not reason.strip():
        raise ValidationError({"reason": SAY_WHAT_NEEDS_CHANGING_SO})
    claim.status = Claim.Status.RETURNED
    claim.return_reason = reason.strip()
    claim.save()
    if claim.membership.person.user:
        notify(
            recipient=claim.membership.person.user,
            kind=kinds.CLAIM_DECIDED.code,
            title=f"Your {claim.month:%B %Y} claim needs changes",
            body=claim.return_reason,
            url=claim.get_absolute_url(),
        )
    return claim


@transaction.atomic
def claim_approve(*, actor: User, claim: Claim) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__person__user")
        .get(pk=claim.pk)
    )
    if not can_approve(actor, claim):
        raise PermissionDenied
    if claim.status != Claim.Status.SUBMITTED:
        raise ValidationError(ONLY_SUBMITTED_CLAIM_CAN_APPROVED)
    if claim.membership.person.user_id == actor.pk:
        raise PermissionDenied(YOU_CANNOT_APPROVE_OWN_CLAIM)
    # Lock the learner's other approved claims' rows while pricing, so two approvals at
    # once cannot both count the same threshold miles.
    list(Claim.objects.select_for_update().filter(membership__person_id=claim.membership.person_id))
    journeys = list(claim.journeys.all())
    lines = priced_lines(claim, journeys)
    for journey, pence, note in lines:
        journey.mileage_pence = pence
        journey.rate_note = note
        journey.save(update_fields=["mileage_pence", "rate_note"])
    costs = Cost.objects.filter(journey__claim=claim).aggregate(s=Sum("pence"))["s"] or 0
    claim.total_pence = sum(p for _, p, _ in lines) + costs
    claim.status = Claim.Status.APPROVED
    claim.approved_by = actor
    claim.approved_at = timezone.now()
    claim.save()
    if claim.membership.person.user:
        notify(
            recipient=claim.membership.person.user,
            kind=kinds.CLAIM_DECIDED.code,
            title=f"Your {claim.month:%B %Y} claim was approved: £{claim.total_pence / 100:,.2f}",
            url=claim.get_absolute_url(),
        )
    return claim


# --- Finance: export and payment -----------------------------------------------------------


def claims_for_finance(user: User, organisation: Organisation) -> QuerySet[Claim]:
    _finance(user, organisation)
    return Claim.objects.filter(membership__employing_organisation=organisation, status__in=APPROVED_STATUSES)


@transaction.atomic
def export_batch_create(*, actor: User, organisation: Organisation) -> ExportBatch:
    _finance(actor, organisation)
    claims = list(
        Claim.objects.select_for_update()
        .filter(
            membership__employing_organisation=organisation, status=Claim.Status.APPROVED, batch__isnull=True
        )
        .order_by("pk")
    )
    if not claims:
        raise ValidationError(THERE_NO_APPROVED_CLAIMS_WAITING)
    batch = ExportBatch.objects.create(
        organisation=organisation, created_by=actor, total_pence=sum(c.total_pence for c in claims)
    )
    for claim in claims:
        claim.batch = batch
        claim.status = Claim.Status.EXPORTED
        claim.save(update_fields=["batch", "status"])
    return batch


HEADER = [
    "Claim reference",
    "Learner",
    "Staff or assignment number",
    "Cost centre",
    "Date",
    "Description",
    "Miles",
    "Rate (pence per mile)",
    "Amount (GBP)",
]


def batch_lines(batch: ExportBatch) -> list[list[Any]]:
    """One line per item (each journey's mileage, each fare, parking or toll), then a total."""
    claims = (
        batch.claims.select_related("membership__person").prefetch_related("journeys__costs").order_by("pk")
    )
    lines: list[list[Any]] = []
    for claim in claims:
        m = claim.membership
        who = [claim.reference, f"{m.person.forename} {m.person.surname}", m.assignment_number, m.cost_centre]
        for j in claim.journeys.all():
            if j.mileage_pence:
                rate = (Decimal(j.mileage_pence) / j.miles).quantize(Decimal("0.01")) if j.miles else ""
                lines.append(
                    [
                        *who,
                        j.date,
                        f"Mileage {j.origin} to {j.destination} ({j.rate_note})",
                        j.miles,
                        rate,
                        Decimal(j.mileage_pence) / 100,
                    ]
                )
            for c in j.costs.all():
                lines.append(
                    [
                        *who,
                        j.date,
                        f"{c.get_kind_display()}: {j.origin} to {j.destination}",
                        "",
                        "",
                        Decimal(c.pence) / 100,
                    ]
                )
    lines.append(["Total", "", "", "", "", "", "", "", Decimal(batch.total_pence) / 100])
    return lines


@transaction.atomic
def claim_mark_paid(*, actor: User, claim: Claim, paid_on: dt.date) -> Claim:
    """Record that the Trust paid a claim, and tell the learner."""
    claim = _mark_paid(actor, claim, paid_on)
    notify_many(kind=kinds.CLAIM_PAID.code, messages=_paid_messages([claim]))
    return claim


def _paid_messages(claims: list[Claim]) -> list[Message]:
    """ "Your claim was paid", for each claim whose learner still has an account."""
    return [
        Message(
            recipient=user,
            title=CLAIM_PAID_TITLE.format(month=claim.month),
            body=CLAIM_PAID_BODY.format(reference=claim.reference, paid_on=claim.paid_on),
            url=claim.get_absolute_url(),
        )
        for claim in claims
        if (user := claim.membership.person.user) is not None
    ]


def _mark_paid(actor: User, claim: Claim, paid_on: dt.date) -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("membership__employing_organisation", "membership__person__user")
        .get(pk=claim.pk)
    )
    organisation = claim.membership.employing_organisation
    if organisation is None:
        raise PermissionDenied
    _finance(actor, organisation)
    if claim.status != Claim.Status.EXPORTED:
        raise ValidationError(
            NOT_AWAITING_PAYMENT.format(reference=claim.reference, status=claim.get_status_display().lower())
        )
    claim.status = Claim.Status.PAID
    claim.paid_on = paid_on
    claim.save()
    return claim


@transaction.atomic
def payment_file_apply(*, actor: User, organisation: Organisation, data: bytes) -> int:
    """Mark claims paid from the Trust's payment file (columns: Claim reference, Paid on).
    All or nothing: any bad row and nothing changes."""
    from enhance.programmes.imports import parse_date

    _finance(actor, organisation)
    try:
        table = read_table(data)
    except SpreadsheetError as exc:
        raise ValidationError(str(exc)) from None
    header = [h.strip().lower() for h in table[0]]
    if "claim reference" not in header or "paid on" not in header:
        raise ValidationError(PAYMENT_FILE_NEEDS_COLUMNS_CLAIM)
    ref_col, date_col = header.index("claim reference"), header.index("paid on")
    errors, updates = [], []
    claims = {c.reference: c for c in Claim.objects.filter(membership__employing_organisation=organisation)}
    for number, row in enumerate(table[1:], start=2):
        ref = row[ref_col].strip() if ref_col < len(row) else ""
        raw_date = row[date_col].strip() if date_col < len(row) else ""
        claim = claims.get(ref)
        if claim is None:
            missing = NO_CLAIM.format(reference=ref or "(blank)", organisation=organisation)
            errors.append(ROW.format(row=number, message=missing))
            continue
        if claim.status != Claim.Status.EXPORTED:
            status = claim.get_status_display().lower()
            errors.append(
                ROW.format(row=number, message=NOT_AWAITING_PAYMENT.format(reference=ref, status=status))
            )
            continue
        try:
            updates.append((claim, parse_date(raw_date)))
        except ValueError:
            errors.append(ROW.format(row=number, message=NOT_A_DATE.format(value=raw_date)))
    if errors:
        raise ValidationError(errors)
    paid = [_mark_paid(actor, claim, paid_on) for claim, paid_on in updates]
    notify_many(kind=kinds.CLAIM_PAID.code, messages=_paid_messages(paid))
    return len(updates)
