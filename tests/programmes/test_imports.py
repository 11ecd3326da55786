"""Importing recruited trainees: preview, commit all-or-nothing, no duplicates, clear errors."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from enhance.programmes.import_jobs import import_preview
from enhance.programmes.imports import (
    COLUMN_TWICE,
    DATA_CHANGED,
    ImportFileError,
    import_commit,
)
from enhance.programmes.models import GradePeriod, ImportBatch, Membership, Person

HEADER = "GMC Number,Forename,Surname,Email,Programme,Locality,Employing Organisation,Start Date,Grade,WTE"
TRUST = "Derby Hospitals NHS Trust"
GOOD_ROWS = [
    f"7123456,Dana,Okafor,dana.okafor@example.org,Midlands IMT,Derbyshire,{TRUST},05/08/2026,IMY1,1.0",
    f"7654321,Eli,Jones,eli.jones@example.org,Midlands IMT,Coventry,{TRUST},2026-08-05,imy1,80%",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def upload(client, data: bytes, name: str = "trainees.csv", follow: bool = False):
    """Upload a file and let the background check run (as the worker would)."""
    f = io.BytesIO(data)
    f.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("programmes:import_upload"), {"file": f})
    return client.get(response["Location"]) if follow and response.status_code == 302 else response


def confirm(client, batch, on_commit):  # type: ignore[no-untyped-def]
    """Press "Import" and let the background import run (as the worker would)."""
    with on_commit(execute=True):
        return client.post(reverse("programmes:import_confirm", args=[batch.pk]), follow=True)


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Membership.objects.count(), ImportBatch.objects.count()


def programme_data() -> tuple[int, int, int]:
    """What an import changes (a file with problems is kept only to show them)."""
    return Person.objects.count(), Membership.objects.count(), GradePeriod.objects.count()


def test_good_csv_previews_then_commits_every_row(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["programme_lead"])
    before = counts()
    response = upload(client, csv_bytes(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:import_detail", args=[batch.pk])
    # The preview alone changes no programme data.
    assert (Person.objects.count(), Membership.objects.count()) == before[:2]
    page = client.get(response["Location"]).content.decode()
    assert "Dana Okafor" in page and "New learner" in page

    confirm(client, batch, django_capture_on_commit_callbacks)
    dana = Membership.objects.get(person__email="dana.okafor@example.org")
    eli = Membership.objects.get(person__email="eli.jones@example.org")
    assert dana.locality == world.locality
    assert dana.cohort == world.cohort
    assert dana.person.registration_number == "7123456"
    assert str(eli.wte) == "0.80"
    assert GradePeriod.objects.get(membership=eli).grade.code == "IMY1"
    assert dana.person.user is not None, "an imported learner gets an account to sign in with"
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.unchanged_count) == ("committed", 2, 0)


def test_reimporting_the_same_file_creates_no_duplicates(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["programme_lead"])
    for _ in range(2):
        upload(client, csv_bytes(*GOOD_ROWS))
        batch = ImportBatch.objects.order_by("-pk").first()
        confirm(client, batch, django_capture_on_commit_callbacks)
    assert Person.objects.filter(email__in=["dana.okafor@example.org", "eli.jones@example.org"]).count() == 2
    assert Membership.objects.filter(person__email="dana.okafor@example.org").count() == 1
    latest = ImportBatch.objects.order_by("-pk").first()
    assert (latest.created_count, latest.unchanged_count) == (0, 2)
    assert "no change" in latest.rows[0]["action"]


def test_a_batch_cannot_be_committed_twice(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["programme_lead"])
    upload(client, csv_bytes(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    confirm(client, batch, django_capture_on_commit_callbacks)
    response = confirm(client, batch, django_capture_on_commit_callbacks)
    assert "already imported" in response.content.decode()
    assert Membership.objects.filter(person__email="dana.okafor@example.org").count() == 1


def test_xlsx_file_with_real_dates_imports(client, world):
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(
        [
            7123456,
            "Dana",
            "Okafor",
            "dana.okafor@example.org",
            "Midlands IMT",
            "Derbyshire",
            "Derby Hospitals NHS Trust",
            dt.datetime(2026, 8, 5),
            "IMY1",
            0.6,
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(world["programme_lead"])
    # Named .csv on purpose: the content decides how it is read.
    response = upload(client, buffer.getvalue(), name="export.csv")
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    import_commit(actor=world["programme_lead"], batch=batch)
    membership = Membership.objects.get(person__email="dana.okafor@example.org")
    assert str(membership.wte) == "0.60"
    assert membership.starts_on == dt.date(2026, 8, 5)


BAD_FILES = [
    ("wrong columns", csv_bytes("a,b", header="Name,Address"), "missing these columns"),
    ("empty file", b"", "The selected file is empty"),
    ("only blank lines", b"\r\n,,,\r\n", "The file has no rows"),
    ("header only", csv_bytes(), "no trainees"),
    ("not a spreadsheet", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "not a spreadsheet"),
    ("renamed executable", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(300), "not a spreadsheet"),
    ("broken workbook", b"PK\x03\x04" + b"garbage" * 20, "not a readable Excel"),
]


@pytest.mark.parametrize(("label", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_unreadable_files_are_refused_and_change_nothing(client, world, label, data, message):
    client.force_login(world["programme_lead"])
    before = counts()
    response = upload(client, data)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert counts() == before


BAD_ROWS = [
    (
        "bad date",
        GOOD_ROWS[0].replace("05/08/2026", "31/02/2026"),
        "Start date",
        "is not a date",
    ),
    (
        "unknown programme",
        GOOD_ROWS[0].replace("Midlands IMT", "Atlantis IMT"),
        "Programme",
        "There is no programme called &#x27;Atlantis IMT&#x27;",
    ),
    ("bad GMC number", GOOD_ROWS[0].replace("7123456", "71234"), "GMC number", "must be 7 digits"),
    (
        "bad email",
        GOOD_ROWS[0].replace("dana.okafor@example.org", "dana-at-example"),
        "Email",
        "not an email",
    ),
    ("unknown grade", GOOD_ROWS[0].replace("IMY1", "IMY9"), "Grade", "not a known grade"),
    ("bad WTE", GOOD_ROWS[0].replace(",1.0", ",2.5"), "WTE", "not a whole-time equivalent"),
    ("unknown locality", GOOD_ROWS[0].replace("Derbyshire", "Narnia"), "Locality", "has no locality"),
    ("missing surname", GOOD_ROWS[0].replace("Okafor", ""), "Surname", "Surname is missing"),
    ("no cohort", GOOD_ROWS[0].replace("05/08/2026", "05/08/2019"), "Start date", "has no cohort"),
]


@pytest.mark.parametrize(("label", "row", "column", "message"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    client, world, label, row, column, message
):
    client.force_login(world["programme_lead"])
    before = programme_data()
    response = upload(client, csv_bytes(GOOD_ROWS[1], row), follow=True)
    page = response.content.decode()
    assert ImportBatch.objects.get().rejected
    assert "Import 2 rows" not in page
    cells = rf'<td class="nhsuk-table__cell">3</td>\s*<td class="nhsuk-table__cell">{re.escape(column)}</td>'
    assert re.search(cells, page)
    assert message in page
    assert "Nothing was imported" in page
    assert programme_data() == before


def test_duplicate_emails_in_one_file_are_refused(client, world):
    client.force_login(world["programme_lead"])
    before = programme_data()
    twin = GOOD_ROWS[1].replace("eli.jones@example.org", "dana.okafor@example.org")
    response = upload(client, csv_bytes(GOOD_ROWS[0], twin), follow=True)
    assert "is also on row 2" in response.content.decode()
    assert ImportBatch.objects.get().rejected
    assert programme_data() == before


def _give_gmc(person, number):
    from enhance.programmes.models import RegistrationBody

    person.registration_body = RegistrationBody.objects.get(code="GMC")
    person.registration_number = number
    person.save()


def test_email_and_gmc_number_of_two_different_people_conflict(world):
    _give_gmc(world.second_membership.person, "7123456")
    row = GOOD_ROWS[0].replace("dana.okafor@example.org", "learner@example.org")
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(row))
    assert preview.batch is None
    assert (
        "belongs to Asha Learner, but GMC number 7123456 belongs to Ben Second"
        in preview.rows[0].errors["email"]
    )


def test_known_email_with_a_different_gmc_number_is_refused(world):
    _give_gmc(world.learner_membership.person, "7000001")
    row = GOOD_ROWS[0].replace("dana.okafor@example.org", "learner@example.org")
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(row))
    assert preview.rows[0].errors["gmc_number"] == (
        "learner@example.org is already recorded with registration number 7000001."
    )


def test_existing_person_joining_a_second_programme_is_one_person(world):
    row = GOOD_ROWS[0].replace("dana.okafor@example.org", "far@example.org")
    preview = import_preview(actor=world["national_admin"], filename="x.csv", data=csv_bytes(row))
    assert preview.rows[0].action == "Existing person joins this programme"
    before = Person.objects.count()
    import_commit(actor=world["national_admin"], batch=preview.batch)
    assert Person.objects.count() == before
    assert Membership.objects.filter(person__email="far@example.org").count() == 2


def test_locality_lead_cannot_import_into_another_locality(world):
    preview = import_preview(actor=world["locality_lead"], filename="x.csv", data=csv_bytes(*GOOD_ROWS))
    assert preview.batch is None
    assert "You cannot import learners into Midlands IMT: Coventry" in preview.rows[1].errors["locality"]
    assert not preview.rows[0].errors


def test_lead_cannot_import_into_a_programme_outside_their_scope(world):
    row = GOOD_ROWS[0].replace("Midlands IMT,Derbyshire", "London cohort,")
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(row))
    assert preview.rows[0].errors["programme"] == "You cannot import learners into London cohort."


def test_data_changed_since_preview_aborts_the_whole_commit(world):
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*GOOD_ROWS))
    world.other_locality.name = "Warwickshire"
    world.other_locality.save()
    before = counts()
    with pytest.raises(ValidationError, match=re.escape(DATA_CHANGED.split("(")[0])):
        import_commit(actor=world["programme_lead"], batch=preview.batch)
    assert counts() == before


def test_header_with_a_column_twice_is_refused(world):
    with pytest.raises(ImportFileError, match=re.escape(COLUMN_TWICE.format(label="Email"))):
        import_preview(
            actor=world["programme_lead"], filename="x.csv", data=csv_bytes(header=HEADER + ",Email")
        )


def test_someone_elses_batch_cannot_be_opened_or_committed(client, world):
    preview = import_preview(actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*GOOD_ROWS))
    client.force_login(world["regional_lead"])
    assert client.get(reverse("programmes:import_detail", args=[preview.batch.pk])).status_code == 403
    assert client.post(reverse("programmes:import_confirm", args=[preview.batch.pk])).status_code == 403


def test_a_forename_too_long_to_store_is_refused_at_the_preview(client, world):
    client.force_login(world["programme_lead"])
    before = programme_data()
    too_long = GOOD_ROWS[0].replace("Dana", "D" * 300)
    assert "D" * 300 in too_long
    page = upload(client, csv_bytes(too_long), follow=True).content.decode()
    assert "Forename is longer than" in page
    assert "Nothing was imported" in page
    assert programme_data() == before


MULTI_HEADER = (
    "Registration Body,Registration Number,Profession,Forename,Surname,Email,Programme,Locality,"
    "Employing Organisation,Start Date,Grade,WTE"
)


def multi(body, number, profession, email):
    return f"{body},{number},{profession},Sam,Lee,{email},Midlands IMT,Derbyshire,{TRUST},05/08/2026,IMY1,1.0"


def test_nurses_pharmacists_and_social_workers_import_with_their_own_registrations(world):
    rows = [
        multi("NMC", "12A3456E", "Nurse", "nurse@example.org"),
        multi("gphc", "2012345", "Pharmacist", "pharm@example.org"),
        multi("SWE", "sw123456", "Social worker", "sw@example.org"),
        multi("", "", "Social care practitioner", "pa@example.org"),
    ]
    preview = import_preview(
        actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*rows, header=MULTI_HEADER)
    )
    assert preview.error_rows == []
    import_commit(actor=world["programme_lead"], batch=preview.batch)
    nurse = Person.objects.get(email="nurse@example.org")
    assert (nurse.registration_body.code, nurse.registration_number, nurse.profession.name) == (
        "NMC",
        "12A3456E",
        "Nurse",
    )
    assert Person.objects.get(email="sw@example.org").registration_number == "SW123456"
    assert Person.objects.get(email="pa@example.org").registration_body is None


def test_registration_and_profession_problems_are_named_by_column(world):
    from enhance.programmes import imports

    rows = [
        multi("NMC", "1234567", "Nurse", "a@example.org"),
        multi("XYZ", "123", "Nurse", "b@example.org"),
        multi("", "12A3456E", "Nurse", "c@example.org"),
        multi("HCPC", "PH123456", "Wizard", "d@example.org"),
        multi("HCPC", "PH123456", "Paramedic", "e@example.org"),
    ]
    preview = import_preview(
        actor=world["programme_lead"], filename="x.csv", data=csv_bytes(*rows, header=MULTI_HEADER)
    )
    errors = [r.errors for r in preview.rows]
    assert errors[0]["registration_number"] == imports.NOT_A_NUMBER_OF.format(
        value="1234567", body="NMC", example="12A3456E"
    )
    assert errors[1]["registration_body"].startswith("'XYZ' is not a registration body we know")
    assert errors[2]["registration_body"].startswith("Say which body gave registration number 12A3456E")
    assert errors[3]["profession"].startswith("'Wizard' is not a profession we know")
    assert errors[4]["registration_number"] == imports.DUPLICATE.format(
        label="Registration", value="HCPC PH123456", row=5
    )
    assert preview.batch is None


def test_an_existing_nurse_is_matched_by_their_registration(world):
    from enhance.programmes.models import RegistrationBody

    person = world.far_membership.person
    person.registration_body, person.registration_number = (
        RegistrationBody.objects.get(code="NMC"),
        "12A3456E",
    )
    person.save()
    row = multi("NMC", "12A3456E", "Nurse", "someone.else@example.org")
    preview = import_preview(
        actor=world["national_admin"], filename="x.csv", data=csv_bytes(row, header=MULTI_HEADER)
    )
    assert preview.rows[0].action == "Existing person joins this programme"


def test_a_reimport_with_changed_details_shows_the_updates_and_applies_them_once_confirmed(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["programme_lead"])
    upload(client, csv_bytes(*GOOD_ROWS))
    confirm(client, ImportBatch.objects.get(), django_capture_on_commit_callbacks)
    moved = f"7123456,Dana,Okafor,dana.okafor@example.org,Midlands IMT,Coventry,{TRUST},05/08/2026,IMY2,0.6"
    upload(client, csv_bytes(moved, GOOD_ROWS[1]))
    batch = ImportBatch.objects.order_by("-pk").first()
    page = client.get(reverse("programmes:import_detail", args=[batch.pk])).content.decode()
    assert "update: Locality Derbyshire to Coventry; WTE 1.00 to 0.60; Grade IMY1 to IMY2" in page
    assert "1 learner already in the programme will be updated as shown" in page
    dana = Membership.objects.get(person__email="dana.okafor@example.org")
    assert dana.locality == world.locality, "nothing changes before the lead confirms"
    confirm(client, batch, django_capture_on_commit_callbacks)
    dana.refresh_from_db()
    assert (dana.locality, str(dana.wte)) == (world.other_locality, "0.60")
    assert GradePeriod.objects.filter(membership=dana).order_by("-starts_on").first().grade.code == "IMY2"
    batch.refresh_from_db()
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 1)


def test_an_import_runs_in_the_background_with_its_page_showing_it_under_way(client, world):
    from enhance.programmes.import_jobs import import_run

    client.force_login(world["programme_lead"])
    upload(client, csv_bytes(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    page = client.post(reverse("programmes:import_confirm", args=[batch.pk]), follow=True).content.decode()
    assert "Import started" in page and "Importing 2 rows" in page and 'hx-trigger="every 2s"' in page
    assert not Membership.objects.filter(person__email="dana.okafor@example.org").exists()
    import_run(batch.pk)  # the worker
    page = " ".join(client.get(reverse("programmes:import_detail", args=[batch.pk])).content.decode().split())
    assert "2 added, 0 updated, 0 already up to date" in page


def test_a_file_is_checked_in_the_background_with_its_page_showing_it_under_way(client, world, settings):
    from enhance.programmes.import_jobs import import_check

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker
    client.force_login(world["programme_lead"])
    response = upload(client, csv_bytes(*GOOD_ROWS), follow=True)
    page = " ".join(response.content.decode().split())
    assert "Checking 2 rows" in page and 'hx-trigger="every 2s"' in page
    assert "Import 2 rows" not in page and "Dana Okafor" not in page
    batch = ImportBatch.objects.get()
    assert batch.checking and batch.get_status_display() == "Checking"
    import_check(batch.pk)  # the worker
    page = " ".join(client.get(reverse("programmes:import_detail", args=[batch.pk])).content.decode().split())
    assert "Every row passed the checks" in page and "Dana Okafor" in page and "Import 2 rows" in page
    assert "2 new learners will be invited" in page and 'hx-trigger="every 2s"' not in page
    import_check(batch.pk)  # a second delivery of the task changes nothing
    assert ImportBatch.objects.get().ready


def test_a_check_that_fails_unexpectedly_says_so_instead_of_checking_for_ever(
    client, world, settings, monkeypatch
):
    from enhance.programmes import import_jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world["programme_lead"])
    upload(client, csv_bytes(*GOOD_ROWS))
    batch = ImportBatch.objects.get()

    def broken(actor, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(import_jobs, "check_rows", broken)
    with pytest.raises(RuntimeError):
        import_jobs.import_check(batch.pk)
    batch.refresh_from_db()
    assert batch.failed and batch.error == import_jobs.CHECK_FAILED
    page = client.get(reverse("programmes:import_detail", args=[batch.pk])).content.decode()
    assert "Nothing was imported" in page and "could not be checked" in page


def test_problems_of_a_large_file_are_listed_a_page_at_a_time(client, world):
    client.force_login(world["programme_lead"])
    rows = [row.replace("IMY1", "IMY9") for row in many_rows(130)]
    page = " ".join(upload(client, csv_bytes(*rows), follow=True).content.decode().split())
    assert "Nothing was imported: 130 rows need fixing" in page
    assert "Showing 1 to 100 of 130" in page and page.count("is not a known grade") == 100
    batch = ImportBatch.objects.get()
    url = reverse("programmes:import_detail", args=[batch.pk])
    second = " ".join(client.get(url, {"page": 2}).content.decode().split())
    assert "Showing 101 to 130 of 130" in second and "&#x27;IMY9&#x27; is not a known grade" in second
    assert '<td class="nhsuk-table__cell">131</td>' in second  # the file's last row (row 1 is the header)


def test_a_large_ready_file_is_previewed_a_page_at_a_time(client, world):
    client.force_login(world["programme_lead"])
    page = " ".join(upload(client, csv_bytes(*many_rows(150)), follow=True).content.decode().split())
    assert "150 rows" in page and "Showing 1 to 100 of 150" in page and "Import 150 rows" in page
    assert page.count("New learner") == 100
    batch = ImportBatch.objects.get()
    second = client.get(reverse("programmes:import_detail", args=[batch.pk]), {"page": 2}).content.decode()
    assert "Many Learner149<" in second and "Many Learner0<" not in second


def test_a_background_import_that_meets_changed_data_stops_says_why_and_changes_nothing(client, world):
    from enhance.notifications.models import Notification
    from enhance.programmes.import_jobs import import_run

    client.force_login(world["programme_lead"])
    upload(client, csv_bytes(*GOOD_ROWS))
    batch = ImportBatch.objects.get()
    client.post(reverse("programmes:import_confirm", args=[batch.pk]))
    world.locality.name = "Renamed"
    world.locality.save()
    import_run(batch.pk)
    batch.refresh_from_db()
    assert batch.failed and "Derbyshire" in batch.error
    assert not Membership.objects.filter(person__email="dana.okafor@example.org").exists()
    page = client.get(reverse("programmes:import_detail", args=[batch.pk])).content.decode()
    assert "Nothing was imported" in page
    assert Notification.objects.filter(
        recipient=world["programme_lead"], title__endswith="was not imported"
    ).exists()


def many_rows(n: int, start: int = 0) -> list[str]:
    return [
        f"{7200000 + start + i},Many,Learner{start + i},many{start + i}@example.org,"
        f"Midlands IMT,Derbyshire,{TRUST},05/08/2026,IMY1,1.0"
        for i in range(n)
    ]


def test_new_learners_are_added_in_bulk_with_history_and_invitations_at_a_flat_cost(
    world, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead = world["programme_lead"]

    def commit(rows):
        batch = import_preview(actor=lead, filename="many.csv", data=csv_bytes(*rows)).batch
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as ctx:
            import_commit(actor=lead, batch=batch)
        return batch, len(ctx.captured_queries)

    _, few = commit(many_rows(3))
    batch, many = commit(many_rows(30, start=3))  # within one insert a table (SQLite's are the smallest)
    assert many <= few
    batch.refresh_from_db()
    assert batch.created_count == 30
    made = Membership.objects.filter(person__email__startswith="many").select_related("person__user")
    assert made.count() == 33
    one = made.get(person__email="many32@example.org")
    assert (one.cohort, one.locality, one.status) == (world.cohort, world.locality, "active")
    assert not one.person.user.has_usable_password()
    assert GradePeriod.objects.get(membership=one).grade.code == "IMY1"
    assert one.history.get().history_user == lead and one.person.history.get().history_user == lead
    assert len([m for m in mail.outbox if "many32@example.org" in m.to]) == 1


def test_a_new_person_whose_email_has_an_account_is_linked_to_it_beside_the_bulk_rows(world):
    from tests.factories import UserFactory

    existing = UserFactory(email="many1@example.org")
    lead = world["programme_lead"]
    batch = import_preview(actor=lead, filename="mixed.csv", data=csv_bytes(*many_rows(3))).batch
    import_commit(actor=lead, batch=batch)
    assert Person.objects.get(email="many1@example.org").user == existing
    assert Person.objects.filter(email__startswith="many").count() == 3
