"""A programme year started in the app with no database shortcut, clicked in Chromium: the lead
opens the August 2027 intake and a locality, adds a venue, appoints a faculty member and a
supervisor (each accepts the emailed invitation, sets a password and an authenticator, and
lands on their home page), imports ten trainees of three professions (each is invited). One
trainee accepts, records their licence and insurance, and ranks placements with interests the
community lead then sees; their mileage claim is approved by the lead."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Page, expect

from enhance.programmes.services import LEARNER_INVITATION_SUBJECT
from tests.browser.conftest import assert_accessible, goto, sign_in
from tests.browser.steps import accept_invitation, menu, open_block
from tests.browser.test_expenses_journey import PDF, add_journey
from tests.browser.test_placements_journey import add, ranked

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2027, 8, 9, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a-long-new-password-2027"
HEADER = (
    "Registration Body,Registration Number,Profession,Forename,Surname,Email,Programme,Locality,"
    "Employing Organisation,Start Date,Grade,WTE"
)
TRUST = "Derby Hospitals NHS Trust"
TRAINEES = [
    ("GMC", "7000001", "Doctor in training", "Tomi", "Adeyemi", "IMY1"),
    ("GMC", "7000002", "Doctor in training", "Priya", "Shah", "IMY1"),
    ("GMC", "7000003", "Doctor in training", "Owen", "Hughes", "IMY1"),
    ("GMC", "7000004", "Doctor in training", "Grace", "Mensah", "IMY1"),
    ("NMC", "27A1234E", "Nurse", "Ellie", "Ward", "B6"),
    ("NMC", "27A1235E", "Nurse", "Femi", "Bello", "B6"),
    ("NMC", "27A1236E", "Nurse", "Hana", "Kowalska", "B6"),
    ("GPhC", "2070001", "Pharmacist", "Ravi", "Patel", "B7"),
    ("GPhC", "2070002", "Pharmacist", "Sara", "Lind", "B7"),
    ("GPhC", "2070003", "Pharmacist", "Yusuf", "Ali", "B7"),
]


def email_of(forename: str) -> str:
    return f"{forename.lower()}@trainees.example"


def trainees_csv() -> bytes:
    rows = [
        f"{body},{number},{profession},{forename},{surname},{email_of(forename)},"
        f"Midlands IMT,Nottinghamshire,{TRUST},04/08/2027,{grade},1.0"
        for body, number, profession, forename, surname, grade in TRAINEES
    ]
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def appoint(lead: Page, email: str, name: str, role: str, learner: str = "") -> None:
    lead.get_by_label("Email address", exact=True).fill(email)
    lead.get_by_label("Full name").fill(name)
    lead.get_by_label("Role", exact=True).select_option(label=role)
    if learner:
        lead.get_by_label("Learner's email address (optional)").fill(learner)
    lead.get_by_role("button", name="Appoint").click()
    expect(lead.get_by_text(f"{email} is now")).to_be_visible()
    assert_accessible(lead)


def set_up_the_year(lead: Page, world) -> None:  # type: ignore[no-untyped-def]
    goto(lead, f"/programmes/{world.programme.pk}/")
    lead.get_by_label("Intake date").fill("2027-08-04")
    lead.get_by_role("button", name="Open intake").click()
    expect(lead.get_by_text("August 2027 intake opened.")).to_be_visible()
    lead.get_by_label("Name of the new locality").fill("Nottinghamshire")
    lead.get_by_role("button", name="Add locality").click()
    expect(lead.get_by_text("Locality Nottinghamshire added.")).to_be_visible()
    assert_accessible(lead)

    menu(lead, "Set-up")
    lead.get_by_role("link", name="Venues").click()
    expect(lead.get_by_text("None yet: add the first site above.")).to_be_visible()
    lead.get_by_role("link", name="Add site").click()
    lead.get_by_label("Organisation").select_option(label=TRUST)
    lead.get_by_label("Name").fill("King's Mill teaching centre")
    lead.get_by_label("Address").fill("Mansfield Road, Sutton-in-Ashfield")
    lead.get_by_label("Postcode").fill("NG17 4JL")
    lead.get_by_role("button", name="Save").click()
    expect(lead.get_by_text("Site saved: King's Mill teaching centre")).to_be_visible()
    expect(lead.get_by_test_id("rows")).to_contain_text("NG17 4JL")
    assert_accessible(lead)


def import_trainees(lead: Page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    menu(lead, "Learners")
    lead.get_by_role("link", name="Import trainees").click()
    (tmp_path / "intake-2027.csv").write_bytes(trainees_csv())
    lead.get_by_label("Spreadsheet of recruited trainees").set_input_files(tmp_path / "intake-2027.csv")
    lead.get_by_role("button", name="Check file").click()
    expect(lead.get_by_test_id("invitations")).to_contain_text("10 new learners will be invited by email")
    assert_accessible(lead)
    lead.get_by_role("button", name="Import 10 rows").click()
    expect(lead.get_by_test_id("import-status")).to_contain_text("10 added")


def test_a_programme_year_starts_in_the_app(new_page, world, opportunities, tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(PDF)
    (tmp_path / "parking.pdf").write_bytes(PDF)
    with time_machine.travel(NOW, tick=True):
        lead = sign_in(new_page, world["programme_lead"].email)
        set_up_the_year(lead, world)

        goto(lead, f"/programmes/{world.programme.pk}/staff/")
        appoint(lead, "nia.faculty@nhs.example", "Nia Faculty", "Faculty")
        appoint(
            lead,
            "sol.supervisor@nhs.example",
            "Sol Supervisor",
            "Supervisor of a learner",
            world["learner"].email,
        )
        faculty = accept_invitation(new_page, "nia.faculty@nhs.example", PASSWORD, staff=True)
        expect(faculty.get_by_text("Sessions I run")).to_be_visible()
        supervisor = accept_invitation(new_page, "sol.supervisor@nhs.example", PASSWORD, staff=True)
        expect(supervisor.get_by_text("My supervisees")).to_be_visible()

        import_trainees(lead, tmp_path)
        invited = {m.to[0] for m in mail.outbox if m.subject == LEARNER_INVITATION_SUBJECT}
        assert invited == {email_of(t[3]) for t in TRAINEES}
        block_url = open_block(
            lead,
            "Midlands IMT: August 2027 intake",
            "Autumn community placement",
            ("2027-09-06", "2027-11-26", "2027-08-20T17:00"),
        )

        tomi = accept_invitation(new_page, email_of("Tomi"), PASSWORD, staff=False)
        tomi.get_by_role("link", name="My details, licence and insurance").click()
        tomi.get_by_label("I hold a full driving licence").check()
        tomi.get_by_label("Licence last checked").fill("2027-08-05")
        tomi.get_by_label("Business-use car insurance expires on").fill("2028-07-31")
        tomi.get_by_label("Insurance certificate").set_input_files(tmp_path / "certificate.pdf")
        tomi.get_by_role("button", name="Save my details").click()
        expect(tomi.get_by_text("Your details were saved.")).to_be_visible()
        assert_accessible(tomi)

        menu(tomi, "Placements")
        tomi.get_by_role("link", name="Autumn community placement").click()
        for title in ("Frailty unit", "Home visits", "Diabetes clinic"):
            add(tomi, title)
            expect(ranked(tomi, title)).to_be_visible()
        tomi.get_by_label("Interests (optional)").fill("Frailty and falls in care homes")
        tomi.get_by_label("Learning needs", exact=False).fill("Comprehensive geriatric assessment")
        tomi.get_by_role("button", name="Save preferences").click()
        expect(tomi.get_by_text("Your preferences were saved.")).to_be_visible()
        assert_accessible(tomi)

        goto(lead, block_url)
        lead.get_by_label("Balanced", exact=False).check()
        lead.get_by_role("button", name="Run allocation").click()
        expect(lead.get_by_role("heading", name="Run 1: balanced")).to_be_visible()
        lead.get_by_role("button", name="Publish this run").click()
        expect(lead.get_by_text("Published", exact=False).first).to_be_visible()

        community = sign_in(new_page, world["community_lead"].email)
        menu(community, "Placements")
        row = community.get_by_test_id("incoming").get_by_role("row").filter(has_text="Tomi Adeyemi")
        expect(row).to_contain_text("Frailty and falls in care homes")
        expect(row).to_contain_text("Comprehensive geriatric assessment")
        assert_accessible(community)

        menu(tomi, "Expenses")
        tomi.get_by_label("Month to claim for").select_option(label="August 2027")
        tomi.get_by_role("button", name="Open claim").click()
        add_journey(
            tomi,
            "2027-08-05",
            "King's Mill teaching centre",
            "Own car",
            "14",
            "Parking",
            "2.50",
            tmp_path / "parking.pdf",
        )
        tomi.get_by_role("button", name="Submit claim").click()
        expect(tomi.get_by_test_id("claim-status")).to_have_text("Submitted")

        menu(lead, "Expenses")
        lead.get_by_role("link", name="Tomi Adeyemi").click()
        lead.get_by_role("button", name="Approve claim").click()
        expect(lead.get_by_test_id("claim-status")).to_have_text("Approved")
        assert_accessible(lead)
