"""Expense claims: rates, thresholds, checks, receipts, workflow, exports and permissions."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from enhance.expenses import access, services
from enhance.expenses.models import Claim, Cost, Journey, MileageRate
from enhance.expenses.services import (
    ADD_LEAST_ONE_JOURNEY_BEFORE,
    LOCKED,
    SAY_WHAT_NEEDS_CHANGING_SO,
    THERE_NO_APPROVED_CLAIMS_WAITING,
)
from enhance.notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def receipt(data: bytes = PDF, name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def driver(world):
    m = world.learner_membership
    m.holds_driving_licence = True
    m.business_insurance_expires_on = dt.date(2027, 12, 31)
    m.assignment_number = "123456-01"
    m.cost_centre = "CC-ENH-1"
    m.save()
    return m


def journey(claim, day, miles="10", mode="car", origin="Royal Derby Hospital", dest="Ilkeston Hub", **extra):
    return Journey(
        claim=claim,
        date=day,
        origin=origin,
        destination=dest,
        purpose=extra.pop("purpose", "other"),
        mode=mode,
        miles=Decimal(miles),
        **extra,
    )


def add(world, claim, day, miles="10", costs=None, **extra):
    return services.journey_save(
        actor=world["learner"], claim=claim, journey=journey(claim, day, miles, **extra), costs=costs
    )


def approved_claim(world, month, journeys):
    """A claim approved by the programme lead, with (date, miles) car journeys."""
    with time_machine.travel(dt.datetime(month.year, month.month, 28, 12, tzinfo=dt.UTC)):
        claim = services.claim_open(actor=world["learner"], membership=world.learner_membership, month=month)
        for day, miles in journeys:
            add(world, claim, day, miles)
        services.claim_submit(actor=world["learner"], claim=claim)
        return services.claim_approve(actor=world["programme_lead"], claim=claim)


def many(month, total):
    """Journeys on consecutive days adding up to `total` miles (at most 1,000 each)."""
    out, day, left = [], 2, int(total)
    while left:
        miles = min(1000, left)
        out.append((dt.date(month.year, month.month, day), str(miles)))
        left -= miles
        day += 1
    return out


def pence_of(claim):
    return [j.mileage_pence for j in claim.journeys.order_by("date", "pk")]


# --- Rates and the annual threshold ---------------------------------------------------------


def test_a_rate_change_in_the_middle_of_a_month_applies_from_its_date(world, driver):
    MileageRate.objects.create(
        vehicle="car",
        effective_from=dt.date(2026, 2, 15),
        pence_per_mile=Decimal("60"),
        threshold_miles=3500,
        pence_after_threshold=Decimal("25"),
    )
    claim = approved_claim(
        world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 10), "10"), (dt.date(2026, 2, 20), "10")]
    )
    assert pence_of(claim) == [560, 600]
    assert claim.total_pence == 1160


def test_the_threshold_is_crossed_inside_one_claim(world, driver):
    approved_claim(world, dt.date(2026, 1, 1), many(dt.date(2026, 1, 1), 3400))
    claim = approved_claim(
        world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "60"), (dt.date(2026, 2, 3), "80")]
    )
    # 60 at 56p; then 40 at 56p and 40 at 21p (January 2026 rates).
    assert pence_of(claim) == [3360, 40 * 56 + 40 * 21]
    assert "over 3,500 a year" in claim.journeys.order_by("date").last().rate_note


def test_the_threshold_counts_miles_across_earlier_approved_claims(world, driver):
    approved_claim(world, dt.date(2026, 1, 1), many(dt.date(2026, 1, 1), 3450))
    claim = approved_claim(world, dt.date(2026, 3, 1), [(dt.date(2026, 3, 20), "100")])
    assert pence_of(claim) == [50 * 56 + 50 * 21]


def test_the_threshold_resets_at_the_start_of_the_mileage_year(world, driver):
    approved_claim(world, dt.date(2026, 3, 1), many(dt.date(2026, 3, 1), 3600))
    claim = approved_claim(world, dt.date(2026, 4, 1), [(dt.date(2026, 4, 10), "10")])
    assert pence_of(claim) == [560]


def test_passengers_are_paid_the_supplement_and_public_transport_only_fares(world, driver):
    with time_machine.travel(dt.datetime(2026, 2, 20, tzinfo=dt.UTC)):
        claim = services.claim_open(actor=world["learner"], membership=driver, month=dt.date(2026, 2, 1))
        add(world, claim, dt.date(2026, 2, 2), "10", passengers=2)
        add(world, claim, dt.date(2026, 2, 3), "0", mode="public", costs=[("fare", 450, receipt())])
        lines = services.priced_lines(claim)
        assert [p for _, p, _ in lines] == [560 + 2 * 10 * 5, 0]
        assert services.provisional_total(claim) == 560 + 100 + 450


# --- Checks ---------------------------------------------------------------------------------


@pytest.fixture
def feb(world):
    traveller = time_machine.travel(dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC))
    traveller.start()
    yield services.claim_open(
        actor=world["learner"], membership=world.learner_membership, month=dt.date(2026, 2, 1)
    )
    traveller.stop()


def test_car_mileage_needs_a_driving_licence(world, feb):
    with pytest.raises(ValidationError, match=re.escape(services.NO_DRIVING_LICENCE)):
        add(world, feb, dt.date(2026, 2, 2))
    assert not Journey.objects.exists()


def test_car_mileage_needs_insurance_valid_on_the_journey_date(world, driver, feb):
    driver.business_insurance_expires_on = dt.date(2026, 2, 1)
    driver.save()
    with pytest.raises(
        ValidationError, match=re.escape(services.INSURANCE_EXPIRED.format(expired=dt.date(2026, 2, 1)))
    ):
        add(world, feb, dt.date(2026, 2, 2))
    driver.business_insurance_expires_on = None
    driver.save()
    with pytest.raises(ValidationError, match=re.escape(services.NO_INSURANCE)):
        add(world, feb, dt.date(2026, 2, 2))


def test_a_journey_must_fall_within_its_placement(
    world, driver, feb, ranked_block, django_capture_on_commit_callbacks
):
    from enhance.placements.services import allocation_run_publish, allocation_run_start

    with django_capture_on_commit_callbacks(execute=True):
        run = allocation_run_start(actor=world["programme_lead"], block=ranked_block, mode="balanced")
    run.refresh_from_db()
    allocation_run_publish(actor=world["programme_lead"], run=run)
    placement = world.learner_membership.placements.get()
    with pytest.raises(ValidationError, match=re.escape(services.OUTSIDE_PLACEMENT.split(",")[0])):
        add(world, feb, dt.date(2026, 2, 2), purpose="placement", placement=placement)


def test_claims_older_than_the_programme_window_are_refused(world, driver):
    with time_machine.travel(dt.datetime(2026, 6, 20, tzinfo=dt.UTC)):
        claim = services.claim_open(actor=world["learner"], membership=driver, month=dt.date(2026, 2, 1))
        with pytest.raises(
            ValidationError, match=re.escape(services.TOO_OLD.format(months=3, date=dt.date(2026, 2, 2)))
        ):
            add(world, claim, dt.date(2026, 2, 2))


def test_journeys_outside_the_claims_month_or_in_the_future_are_refused(world, driver, feb):
    with pytest.raises(
        ValidationError, match=re.escape(services.WRONG_MONTH.format(month=dt.date(2026, 2, 1)))
    ):
        add(world, feb, dt.date(2026, 1, 30))
    with pytest.raises(ValidationError, match=re.escape(services.JOURNEY_IN_FUTURE)):
        add(world, feb, dt.date(2026, 2, 25))


def test_probable_duplicates_are_flagged_but_allowed(world, driver, feb):
    first = add(world, feb, dt.date(2026, 2, 2))
    second = add(world, feb, dt.date(2026, 2, 2), origin=" royal derby hospital ", dest="ILKESTON HUB")
    add(world, feb, dt.date(2026, 2, 3))
    assert services.duplicate_journeys(feb) == {first.pk, second.pk}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03" + bytes(100), "must be a PDF, JPEG or PNG"),
        (b"GIF89a" + bytes(100), "must be a PDF, JPEG or PNG"),
        (b"", "empty"),
        (b"%PDF-" + bytes(5 * 1024 * 1024), "smaller than 5 MB"),
    ],
    ids=["renamed executable", "wrong type", "empty", "too big"],
)
def test_bad_receipts_are_refused_and_nothing_is_saved(world, driver, feb, data, message):
    with pytest.raises(ValidationError, match=message):
        add(world, feb, dt.date(2026, 2, 2), costs=[("parking", 300, receipt(data, "receipt.pdf"))])
    assert not Journey.objects.exists() and not Cost.objects.exists()


def test_good_receipts_are_kept_with_their_real_type(world, driver, feb):
    add(world, feb, dt.date(2026, 2, 2), costs=[("parking", 300, receipt(PNG, "photo.pdf"))])
    assert Cost.objects.get().receipt_type == "image/png"


# --- Workflow ------------------------------------------------------------------------------


def test_submit_return_fix_and_approve(client, world, driver, feb):
    j = add(world, feb, dt.date(2026, 2, 2))
    services.claim_submit(actor=world["learner"], claim=feb)
    with pytest.raises(ValidationError, match=re.escape(LOCKED)):
        add(world, feb, dt.date(2026, 2, 3))
    with pytest.raises(ValidationError, match=re.escape(SAY_WHAT_NEEDS_CHANGING_SO)):
        services.claim_return(actor=world["programme_lead"], claim=feb, reason=" ")
    services.claim_return(
        actor=world["programme_lead"], claim=feb, reason="Miles look high: check the route."
    )
    services.journey_delete(actor=world["learner"], journey=j)
    add(world, feb, dt.date(2026, 2, 2), "8")
    services.claim_submit(actor=world["learner"], claim=feb)
    claim = services.claim_approve(actor=world["programme_lead"], claim=feb)
    assert (claim.status, claim.total_pence) == ("approved", 448)
    assert claim.history.count() >= 4


def test_only_leads_in_scope_approve_and_never_their_own(world, driver, feb):
    add(world, feb, dt.date(2026, 2, 2))
    services.claim_submit(actor=world["learner"], claim=feb)
    for persona in ("faculty", "finance_officer", "supervisor", "second_learner"):
        with pytest.raises(PermissionDenied):
            services.claim_approve(actor=world[persona], claim=feb)
    services.claim_approve(actor=world["locality_lead"], claim=feb)


def test_an_empty_claim_cannot_be_submitted(world, feb):
    with pytest.raises(ValidationError, match=re.escape(ADD_LEAST_ONE_JOURNEY_BEFORE)):
        services.claim_submit(actor=world["learner"], claim=feb)


# --- Finance ------------------------------------------------------------------------------


def test_export_marks_claims_exported_and_never_exports_twice(client, world, driver):
    claim = approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    batch = services.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    claim.refresh_from_db()
    assert (claim.status, claim.batch_id) == ("exported", batch.pk)
    with pytest.raises(ValidationError, match=re.escape(THERE_NO_APPROVED_CLAIMS_WAITING)):
        services.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    client.force_login(world["finance_officer"])
    xlsx = client.get(reverse("expenses:batch_download", args=[batch.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Claim reference", "Learner", "Staff or assignment number")
    assert rows[1][0] == claim.reference and rows[1][2] == "123456-01" and rows[1][3] == "CC-ENH-1"
    assert rows[1][6] == 10 and rows[1][8] == 5.6
    assert rows[-1][0] == "Total" and rows[-1][8] == 5.6
    csv_text = client.get(reverse("expenses:batch_download", args=[batch.pk, "csv"])).getvalue().decode()
    assert f"{claim.reference},Asha Learner,123456-01,CC-ENH-1,02/02/2026" in csv_text


def test_a_long_batch_is_made_in_the_background_with_the_lines_the_csv_has(
    client, world, driver, settings, monkeypatch
):
    from enhance.core import downloads
    from enhance.core.models import Download

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker
    monkeypatch.setattr(downloads, "IN_BACKGROUND_FROM", 0)
    claim = approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    batch = services.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    client.force_login(world["finance_officer"])
    response = client.get(reverse("expenses:batch_download", args=[batch.pk, "xlsx"]))
    made = Download.objects.get()
    assert response["Location"] == made.get_absolute_url() and made.filename.endswith(
        f"batch-{batch.pk}.xlsx"
    )
    downloads.download_make(made.pk)  # the worker
    file = client.get(reverse("download_file", args=[made.pk]))
    rows = list(load_workbook(io.BytesIO(file.getvalue())).active.iter_rows(values_only=True))
    assert rows[1][0] == claim.reference and rows[-1][0] == "Total" and rows[-1][8] == 5.6


def test_finance_officers_of_another_trust_see_nothing(client, world, driver):
    approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    from enhance.programmes.models import Role
    from tests.factories import staff_user

    other_trust = OrganisationFactory(name="Elsewhere Hospitals NHS Trust")
    outsider = staff_user(Role.FINANCE_OFFICER, organisation=other_trust)
    assert not access.claims_visible_to(outsider).exists()
    with pytest.raises(PermissionDenied):
        services.export_batch_create(actor=outsider, organisation=world.trust)
    client.force_login(outsider)
    page = client.get(reverse("expenses:finance")).content.decode()
    assert "Elsewhere Hospitals NHS Trust" in page and "0 claims" in page
    assert client.get(reverse("expenses:finance"), {"organisation": world.trust.pk}).status_code == 200
    assert (
        world.trust.name
        not in client.get(reverse("expenses:finance"), {"organisation": world.trust.pk}).content.decode()
    )


def test_payment_file_marks_paid_all_or_nothing(world, driver):
    claim = approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    services.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    bad = f"Claim reference,Paid on\n{claim.reference},31/03/2026\nENH-999999,31/03/2026\n".encode()
    with pytest.raises(
        ValidationError,
        match=re.escape(
            services.ROW.format(
                row=3, message=services.NO_CLAIM.format(reference="ENH-999999", organisation=world.trust)
            )
        ),
    ):
        services.payment_file_apply(actor=world["finance_officer"], organisation=world.trust, data=bad)
    claim.refresh_from_db()
    assert claim.status == "exported"
    good = f"Claim reference,Paid on\n{claim.reference},31/03/2026\n".encode()
    assert (
        services.payment_file_apply(actor=world["finance_officer"], organisation=world.trust, data=good) == 1
    )
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on) == ("paid", dt.date(2026, 3, 31))
    told = Notification.objects.get(recipient=world["learner"], kind="claim_paid")
    assert told.title == services.CLAIM_PAID_TITLE.format(month=claim.month)
    assert told.body == services.CLAIM_PAID_BODY.format(reference=claim.reference, paid_on=claim.paid_on)
    with pytest.raises(
        ValidationError,
        match=re.escape(services.NOT_AWAITING_PAYMENT.format(reference=claim.reference, status="paid")),
    ):
        services.payment_file_apply(actor=world["finance_officer"], organisation=world.trust, data=good)


# --- Pages, permissions, query counts ---------------------------------------------------------


def test_claim_pages_per_persona(client, world, driver):
    claim = approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    url = reverse("expenses:claim_detail", args=[claim.pk])
    allowed = {
        "learner",
        "national_admin",
        "regional_lead",
        "programme_lead",
        "locality_lead",
        "finance_officer",
    }
    from tests.conftest import PERSONAS

    for persona in PERSONAS:
        client.force_login(world[persona])
        assert client.get(url).status_code == (200 if persona in allowed else 403), persona
    assert client.get(reverse("expenses:claim_detail", args=[99999])).status_code == 404
    client.force_login(world["learner"])
    assert client.get(reverse("expenses:finance")).status_code == 403
    assert client.get(reverse("expenses:approvals")).status_code == 403


def test_claim_lists_cost_the_same_whatever_their_size(client, world, driver, query_count):
    def counts():
        out = {}
        for persona, url in (
            ("learner", reverse("expenses:my_claims")),
            ("programme_lead", reverse("expenses:approvals")),
            ("finance_officer", reverse("expenses:finance")),
        ):
            out[url] = query_count(world[persona], url)
        return out

    def more(n):
        for i in range(n):
            m = MembershipFactory(
                programme=world.programme, cohort=world.cohort, employing_organisation=world.trust
            )
            c = Claim.objects.create(membership=m, month=dt.date(2026, 5, 1), status="submitted")
            Journey.objects.create(
                claim=c, date=dt.date(2026, 5, 2), origin="a", destination="b", purpose="other", mode="public"
            )
            Claim.objects.create(
                membership=m, month=dt.date(2026, 4, 1), status="approved", total_pence=100 + i
            )
            Claim.objects.create(
                membership=m, month=dt.date(2026, 3, 1), status="exported", total_pence=10 + i
            )

    approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    more(1)
    with time_machine.travel(dt.datetime(2026, 5, 20, tzinfo=dt.UTC)):
        before = counts()
    for month in (3, 4):
        approved_claim(world, dt.date(2026, month, 1), [(dt.date(2026, month, 2), "10")])
    more(4)
    with time_machine.travel(dt.datetime(2026, 5, 20, tzinfo=dt.UTC)):
        after = counts()
    for url, n in after.items():
        assert n <= before[url], url


def test_finance_exports_carry_no_live_formulas(client, world, driver):
    """A name or code typed as a spreadsheet formula reaches the Trust's export as text."""
    approved_claim(world, dt.date(2026, 2, 1), [(dt.date(2026, 2, 2), "10")])
    person = world.learner_membership.person
    person.forename = "=cmd|' /C calc'!A0"
    person.save()
    membership = world.learner_membership
    membership.cost_centre = "@SUM(1+1)"
    membership.save()
    batch = services.export_batch_create(actor=world["finance_officer"], organisation=world.trust)
    client.force_login(world["finance_officer"])
    xlsx = client.get(reverse("expenses:batch_download", args=[batch.pk, "xlsx"]))
    cells = [c for row in load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(t.startswith("'=cmd") for t in texts)
    assert not any(c.data_type == "f" for c in cells)
    assert not any(t.startswith("=") for t in texts)
    csv_body = client.get(reverse("expenses:batch_download", args=[batch.pk, "csv"])).getvalue().decode()
    assert "'=cmd" in csv_body and "'@SUM(1+1)" in csv_body
    assert ",=cmd" not in csv_body and ",@SUM" not in csv_body
