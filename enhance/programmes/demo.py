"""Realistic, fictional, deterministic demo data: the seven regional trailblazers in their
own shapes, about 150 learners, and one sign-in per role. Never load this in production."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from enhance.accounts.models import User
from enhance.curriculum.models import Framework
from enhance.programmes.models import (
    Cohort,
    Grade,
    GradePeriod,
    Locality,
    Membership,
    Organisation,
    Person,
    Profession,
    Programme,
    Region,
    RegistrationBody,
    Role,
    RoleAssignment,
    Site,
)

DEMO_PASSWORD = "enhance-demo-2026"
# Base32 secret of every demo staff account's authenticator; `manage.py demo_totp` prints the code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "enhance.example"

FORENAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ebony",
    "Farhan",
    "Grace",
    "Harpreet",
    "Isaac",
    "Jasmine",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Qasim",
    "Rachel",
    "Samuel",
    "Tasnim",
    "Usman",
    "Victoria",
    "William",
    "Xin",
    "Yasmin",
    "Zak",
    "Amara",
    "Bethany",
    "Callum",
    "Deepa",
    "Ellis",
    "Fatima",
    "George",
    "Hannah",
    "Imran",
    "Joanna",
    "Kieran",
    "Leila",
    "Matthew",
    "Nadia",
    "Owen",
    "Poppy",
    "Rhys",
    "Sofia",
    "Tom",
    "Uzma",
    "Vikram",
    "Wing",
    "Yusuf",
    "Zainab",
]
SURNAMES = [
    "Adeyemi",
    "Bennett",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Mensah",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Rahman",
    "Singh",
    "Thomas",
    "Underwood",
    "Vaughan",
    "Walsh",
    "Xu",
    "Young",
    "Zhang",
    "Ahmed",
    "Brown",
    "Clarke",
    "Dhillon",
    "Edwards",
    "Forbes",
    "Green",
    "Hussain",
    "Ibrahim",
    "Jackson",
    "Kaur",
    "Lam",
    "Morgan",
    "Nguyen",
    "Owusu",
    "Price",
    "Roberts",
    "Shah",
    "Taylor",
    "Usher",
    "Vasquez",
    "Wright",
    "Yates",
    "Zaman",
]


@dataclass(frozen=True)
class Shape:
    region: str
    name: str
    pathway: str
    years: int
    intakes: tuple[dt.date, ...]
    localities: tuple[tuple[str, int], ...]  # (name, learners per intake); "" for no locality
    grades: tuple[str, ...]  # grade by training year
    professions: tuple[str, ...]
    description: str


SHAPES = [
    Shape(
        "midlands",
        "Midlands enhance for Internal Medicine Training",
        Programme.Pathway.IMT,
        3,
        (dt.date(2024, 8, 7), dt.date(2025, 8, 6), dt.date(2026, 8, 5)),
        (("Derbyshire", 5), ("Coventry", 3), ("Lincolnshire", 3)),
        ("IMY1", "IMY2", "IMY3"),
        ("Doctor in training",),
        "Enhance posts for IMT stage 1 trainees, alongside all three IMT years: extra teaching, a "
        "community rotation in IMY1 and an immersive-experience project through IMY2 and IMY3.",
    ),
    Shape(
        "east-of-england",
        "East of England Foundation Generalism",
        Programme.Pathway.FOUNDATION,
        5,
        (dt.date(2026, 8, 5),),
        (("", 38),),
        ("F2",),
        ("Doctor in training",),
        "Generalism posts in eight trusts: a year-long integrated community placement in F2 beside "
        "two hospital rotations, and a six-module educational component over five years.",
    ),
    Shape(
        "north-east-and-yorkshire",
        "Humber enhance school",
        Programme.Pathway.MULTI_PROFESSIONAL,
        1,
        (dt.date(2026, 4, 1),),
        (("", 30),),
        ("B6", "B7", "F2", "CT1"),
        ("Nurse", "Pharmacist", "Paramedic", "Social worker", "Doctor in training", "Physiotherapist"),
        "A one-year, place-based multi-professional school including social care.",
    ),
    Shape(
        "north-east-and-yorkshire",
        "North Cumbria enhance school",
        Programme.Pathway.MULTI_PROFESSIONAL,
        1,
        (dt.date(2026, 4, 1),),
        (("", 22),),
        ("B6", "B7", "SAS"),
        ("Nurse", "Occupational therapist", "SAS doctor", "Pharmacist"),
        "A one-year, place-based school for staff across North Cumbria.",
    ),
    Shape(
        "london",
        "London enhance multi-specialty cohort",
        Programme.Pathway.SPECIALTY,
        1,
        (dt.date(2026, 9, 2),),
        (("", 10),),
        ("CT1", "CT2", "ST3"),
        ("Doctor in training",),
        "A year-long cohort from several specialties: reflective group learning and projects.",
    ),
    Shape(
        "south-east",
        "Kent, Surrey and Sussex enhance online modules",
        Programme.Pathway.FOUNDATION,
        1,
        (dt.date(2026, 8, 5),),
        (("", 8),),
        ("F1", "F2"),
        ("Doctor in training",),
        "Online modules for foundation doctors: complex multimorbidity, population health and more.",
    ),
    Shape(
        "north-west",
        "North West Enhance Explore",
        Programme.Pathway.FOUNDATION,
        1,
        (dt.date(2026, 8, 5),),
        (("", 7),),
        ("F2",),
        ("Doctor in training",),
        "Protected time for foundation doctors to explore generalist practice.",
    ),
    Shape(
        "south-west",
        "South West enhance programme",
        Programme.Pathway.MULTI_PROFESSIONAL,
        1,
        (dt.date(2026, 9, 2),),
        (("", 7),),
        ("F2", "B6", "LED"),
        ("Doctor in training", "Nurse", "Locally employed doctor"),
        "A one-year multi-professional programme across the South West.",
    ),
]

# Fictional organisations: (name, kind, region code, sites [(name, postcode, transport)])
ORGANISATIONS = [
    (
        "Derby and South Derbyshire Hospitals NHS Foundation Trust",
        "acute_trust",
        "midlands",
        [("Royal Derby Teaching Hospital", "DE22 3NE", "Buses from Derby bus station every 10 minutes.")],
    ),
    (
        "Chesterfield and North Derbyshire NHS Trust",
        "acute_trust",
        "midlands",
        [("Chesterfield General Hospital", "S44 5BL", "Buses from Chesterfield station.")],
    ),
    (
        "Coventry and Warwickshire Hospitals NHS Trust",
        "acute_trust",
        "midlands",
        [("Walsgrave Hospital", "CV2 2DX", "Buses from Coventry Pool Meadow.")],
    ),
    (
        "Lincolnshire Hospitals NHS Trust",
        "acute_trust",
        "midlands",
        [("Lincoln County Hospital", "LN2 5QY", "A 20-minute walk from Lincoln station.")],
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "community_provider",
        "midlands",
        [
            ("Ilkeston Community Hospital", "DE7 8LN", "Bus from Derby; no rail link."),
            ("Walton Hospital Frailty Unit", "S40 3HW", "Bus from Chesterfield station."),
        ],
    ),
    (
        "Lincolnshire Community Services",
        "community_provider",
        "midlands",
        [("Skegness Community Hub", "PE25 2BS", "Trains from Nottingham; walk 10 minutes.")],
    ),
    (
        "Derby Homeless Health Partnership",
        "voluntary",
        "midlands",
        [("Drop-in centre", "DE1 2QY", "Five minutes' walk from Derby bus station.")],
    ),
    ("Coventry Refugee Welcome", "voluntary", "midlands", []),
    ("University of the East Midlands", "university", "midlands", []),
    ("Derby City Council", "local_authority", "midlands", []),
    ("Cambridge and Fens Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Norfolk Coast Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Essex Estuary Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Suffolk Heath Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Hertford Valley Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Bedford and Luton Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Peterborough Fenland NHS Trust", "acute_trust", "east-of-england", []),
    ("Ipswich and Colchester Hospitals NHS Trust", "acute_trust", "east-of-england", []),
    ("Humber Health and Care Partnership", "community_provider", "north-east-and-yorkshire", []),
    ("North Cumbria Integrated Care Trust", "community_provider", "north-east-and-yorkshire", []),
    ("London Central Hospitals NHS Trust", "acute_trust", "london", []),
    ("Kent and Sussex Hospitals NHS Trust", "acute_trust", "south-east", []),
    ("Mersey and Lancashire Hospitals NHS Trust", "acute_trust", "north-west", []),
    ("Devon and Cornwall Hospitals NHS Trust", "acute_trust", "south-west", []),
]
EMPLOYERS = {
    "Derbyshire": [
        "Derby and South Derbyshire Hospitals NHS Foundation Trust",
        "Chesterfield and North Derbyshire NHS Trust",
    ],
    "Coventry": ["Coventry and Warwickshire Hospitals NHS Trust"],
    "Lincolnshire": ["Lincolnshire Hospitals NHS Trust"],
    "east-of-england": [o[0] for o in ORGANISATIONS if o[2] == "east-of-england"],
    "north-east-and-yorkshire": ["Humber Health and Care Partnership", "North Cumbria Integrated Care Trust"],
    "london": ["London Central Hospitals NHS Trust"],
    "south-east": ["Kent and Sussex Hospitals NHS Trust"],
    "north-west": ["Mersey and Lancashire Hospitals NHS Trust"],
    "south-west": ["Devon and Cornwall Hospitals NHS Trust"],
}


def _names(rng: random.Random) -> list[tuple[str, str]]:
    pairs = [(f, s) for f in FORENAMES for s in SURNAMES]
    rng.shuffle(pairs)
    return pairs


def _grade_for(shape: Shape, intake: dt.date, on: dt.date, index: int) -> list[tuple[str, dt.date]]:
    """The grade periods of a learner: for multi-year programmes one per training year."""
    if shape.pathway == Programme.Pathway.IMT:
        periods = []
        for year, code in enumerate(shape.grades):
            start = dt.date(intake.year + year, intake.month, intake.day)
            if start <= on or year == 0:
                periods.append((code, start))
        return periods
    return [(shape.grades[index % len(shape.grades)], intake)]


@transaction.atomic
def load_demo(today: dt.date | None = None) -> dict[str, int]:
    today = today or dt.date(2026, 11, 23)
    rng = random.Random(20220801)
    framework = Framework.objects.get()
    regions = {r.code: r for r in Region.objects.all()}
    professions = {p.name: p for p in Profession.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    gmc = RegistrationBody.objects.get(code="GMC")
    nmc = RegistrationBody.objects.get(code="NMC")

    orgs: dict[str, Organisation] = {}
    for name, kind, region, sites in ORGANISATIONS:
        org = Organisation.objects.create(name=name, kind=kind, region=regions[region])
        orgs[name] = org
        for site_name, postcode, transport in sites:
            Site.objects.create(
                organisation=org,
                name=site_name,
                address=f"{site_name}\n{name}",
                postcode=postcode,
                public_transport=transport,
            )

    names = iter(_names(rng))
    gmc_numbers = iter(rng.sample(range(7000000, 7999999), 400))
    nmc_numbers = iter(rng.sample(range(1000, 9999), 200))
    programmes: dict[str, Programme] = {}
    learners: list[Membership] = []
    for shape in SHAPES:
        programme = Programme.objects.create(
            region=regions[shape.region],
            name=shape.name,
            pathway=shape.pathway,
            length_years=shape.years,
            framework=framework,
            description=shape.description,
        )
        programmes[shape.name] = programme
        localities = {
            name: Locality.objects.create(programme=programme, name=name)
            for name, _ in shape.localities
            if name
        }
        for intake in shape.intakes:
            cohort = Cohort.objects.create(
                programme=programme, name=f"{intake:%B %Y} intake", intake_date=intake
            )
            index = 0
            for locality_name, size in shape.localities:
                employers = EMPLOYERS[locality_name or shape.region]
                for _ in range(size):
                    forename, surname = next(names)
                    profession = professions[shape.professions[index % len(shape.professions)]]
                    body, number = None, ""
                    if "doctor" in profession.name.lower():
                        body, number = gmc, str(next(gmc_numbers))
                    elif profession.name == "Nurse":
                        body, number = nmc, f"{rng.randint(10, 99)}A{next(nmc_numbers)}E"
                    email = f"{forename}.{surname}.{len(learners) + 1}@{DEMO_DOMAIN}".lower()
                    person = Person.objects.create(
                        user=User.objects.create_user(email=email, full_name=f"{forename} {surname}"),
                        forename=forename,
                        surname=surname,
                        email=email,
                        profession=profession,
                        registration_body=body,
                        registration_number=number,
                    )
                    wte = Decimal("1.00") if index % 7 else Decimal("0.80")
                    if index % 11 == 5:
                        wte = Decimal("0.60")
                    status = Membership.Status.ACTIVE
                    if index % 17 == 16:
                        status = Membership.Status.PAUSED
                    ends_on = dt.date(intake.year + shape.years, intake.month, intake.day) - dt.timedelta(
                        days=1
                    )
                    if ends_on < today:
                        status = Membership.Status.COMPLETED
                    membership = Membership.objects.create(
                        person=person,
                        programme=programme,
                        cohort=cohort,
                        locality=localities.get(locality_name),
                        employing_organisation=orgs[employers[index % len(employers)]],
                        wte=wte,
                        starts_on=intake,
                        ends_on=ends_on,
                        status=status,
                        status_since=intake,
                        holds_driving_licence=index % 4 != 3,
                        business_insurance_expires_on=(
                            dt.date(today.year + 1, (index % 12) + 1, 1) if index % 4 == 0 else None
                        ),
                    )
                    for code, start in _grade_for(shape, intake, today, index):
                        GradePeriod.objects.create(membership=membership, grade=grades[code], starts_on=start)
                    learners.append(membership)
                    index += 1

    midlands = programmes[SHAPES[0].name]
    derbyshire = Locality.objects.get(programme=midlands, name="Derbyshire")
    users = _demo_accounts(midlands, derbyshire, orgs, learners)
    _demo_placements(midlands, orgs, today, rng)
    _demo_expenses(today)
    _demo_teaching(midlands, today)
    _demo_projects(midlands, orgs)
    return {"learners": len(learners), "programmes": len(programmes), "accounts": users}


# Community opportunities: (organisation, type, title, places, needs a driver, days)
OPPORTUNITIES = [
    (
        "Derbyshire Community Health NHS Trust",
        "Diabetic clinic",
        "Community diabetes clinic, Ilkeston",
        2,
        False,
        "Tuesday and Thursday mornings",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Frailty service",
        "Frailty unit, Walton Hospital",
        2,
        False,
        "Monday to Wednesday",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Home visiting team",
        "Rural home visiting team, Peak District",
        1,
        True,
        "Wednesday and Friday",
    ),
    (
        "Derbyshire Community Health NHS Trust",
        "Heart failure service",
        "Heart failure nurse service",
        2,
        False,
        "Monday and Thursday",
    ),
    (
        "Lincolnshire Community Services",
        "Respiratory service",
        "Coastal respiratory service, Skegness",
        2,
        True,
        "Tuesday to Thursday",
    ),
    (
        "Lincolnshire Community Services",
        "Virtual ward",
        "Frailty virtual ward",
        2,
        False,
        "Daily huddles, 9am",
    ),
]


def _demo_placements(
    midlands: Programme, orgs: dict[str, Organisation], today: dt.date, rng: random.Random
) -> None:
    """Opportunities, and an open block for the newest Midlands cohort with most rankings in."""
    from django.utils import timezone

    from enhance.placements.models import (
        Opportunity,
        OpportunityType,
        PlacementBlock,
        Preference,
        PreferenceSet,
    )

    community_lead = User.objects.get(email=f"community.lead@{DEMO_DOMAIN}")
    types = {t.name: t for t in OpportunityType.objects.all()}
    opportunities = []
    for org_name, type_name, title, places, driver, days in OPPORTUNITIES:
        org = orgs[org_name]
        opportunities.append(
            Opportunity.objects.create(
                organisation=org,
                type=types[type_name],
                title=title,
                site=org.sites.first(),
                description=f"Join the {type_name.lower()} team and see care outside hospital.",
                days_and_sessions=days,
                capacity=places,
                requires_driver=driver,
                community_lead=community_lead if org_name.startswith("Derbyshire") else None,
            )
        )
    cohort = midlands.cohorts.order_by("-intake_date").first()
    assert cohort is not None
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    block = PlacementBlock.objects.create(
        cohort=cohort,
        name=f"IMY1 community placement, spring {today.year + 1}",
        starts_on=dt.date(today.year + 1, 2, 2),
        ends_on=dt.date(today.year + 1, 5, 29),
        preferences_close_at=timezone.make_aware(dt.datetime(today.year + 1, 1, 9, 17, 0)),
        choices=5,
        seed=20260801,
        created_by=admin,
    )
    block.opportunities.set(opportunities)
    for membership in cohort.memberships.select_related("person").order_by("pk"):
        if membership.person.email.startswith(("learner@", "learner2@")):
            continue  # the demo learners rank for themselves
        pref_set = PreferenceSet.objects.create(block=block, membership=membership, interests="")
        order = list(opportunities)
        rng.shuffle(order)
        for rank, opportunity in enumerate(order[:5], start=1):
            Preference.objects.create(preference_set=pref_set, opportunity=opportunity, rank=rank)


def _staff(email: str, full_name: str, **extra: bool) -> User:
    user = User.objects.create_user(
        email=f"{email}@{DEMO_DOMAIN}", password=DEMO_PASSWORD, full_name=full_name, **extra
    )
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def _demo_accounts(
    midlands: Programme,
    derbyshire: Locality,
    orgs: dict[str, Organisation],
    learners: list[Membership],
) -> int:
    admin = _staff("admin", "Noor Ahmed", is_staff=True, is_superuser=True)
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    regional = _staff("regional.lead", "Helen Okoro")
    RoleAssignment.objects.create(user=regional, role=Role.REGIONAL_LEAD, region=midlands.region)
    lead = _staff("programme.lead", "Dr Ravi Menon")
    RoleAssignment.objects.create(user=lead, role=Role.PROGRAMME_LEAD, programme=midlands)
    locality = _staff("locality.lead", "Dr Claire Simmons")
    RoleAssignment.objects.create(user=locality, role=Role.LOCALITY_LEAD, locality=derbyshire)
    faculty = _staff("faculty", "Dr Tunde Bakare")
    RoleAssignment.objects.create(user=faculty, role=Role.FACULTY, programme=midlands)
    community = _staff("community.lead", "Sister Maria Lopes")
    RoleAssignment.objects.create(
        user=community, role=Role.COMMUNITY_LEAD, organisation=orgs["Derbyshire Community Health NHS Trust"]
    )
    partner = _staff("partner.contact", "Jo Whitfield")
    RoleAssignment.objects.create(
        user=partner, role=Role.PARTNER_CONTACT, organisation=orgs["Derby Homeless Health Partnership"]
    )
    finance = _staff("finance", "Gary Holt")
    RoleAssignment.objects.create(
        user=finance,
        role=Role.FINANCE_OFFICER,
        organisation=orgs["Derby and South Derbyshire Hospitals NHS Foundation Trust"],
    )
    supervisor = _staff("supervisor", "Dr Anika Sharma")

    # The two demo learners: Midlands IMT learners from the 2026 intake, Derbyshire and Coventry.
    newest = [m for m in learners if m.programme_id == midlands.id and m.starts_on.year == 2026]
    demo_learners = [
        next(m for m in newest if m.locality and m.locality.name == "Derbyshire"),
        next(m for m in newest if m.locality and m.locality.name == "Coventry"),
    ]
    for label, membership in zip(("learner", "learner2"), demo_learners, strict=True):
        person = membership.person
        person.email = f"{label}@{DEMO_DOMAIN}"
        person.save()
        user = person.user
        assert user is not None
        user.email = person.email
        user.set_password(DEMO_PASSWORD)
        user.save()
    # The first demo learner drives, is insured for business use and is paid by the Derby Trust,
    # whose finance officer is a demo persona.
    first = demo_learners[0]
    first.holds_driving_licence = True
    first.business_insurance_expires_on = dt.date(2027, 7, 31)
    first.employing_organisation = orgs["Derby and South Derbyshire Hospitals NHS Foundation Trust"]
    first.assignment_number = "30412877-01"
    first.cost_centre = "MED-ENH-04"
    first.save()
    RoleAssignment.objects.create(user=supervisor, role=Role.SUPERVISOR, learner=demo_learners[0].person)
    others = [m for m in newest if m.locality == derbyshire and m not in demo_learners][:2]
    for m in others:
        RoleAssignment.objects.create(user=supervisor, role=Role.SUPERVISOR, learner=m.person)
    return User.objects.count()


def totp_code(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    """The current six-digit code of an authenticator app holding `secret`."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def has_demo_data() -> bool:
    return User.objects.filter(email=f"admin@{DEMO_DOMAIN}").exists() or Authenticator.objects.exists()


def _demo_expenses(today: dt.date) -> None:
    """Last month's approved claim of the demo learner, waiting for the Trust to export it."""
    from decimal import Decimal

    from enhance.expenses.models import Claim, Journey
    from enhance.expenses.rates import RateTable, price

    membership = Membership.objects.get(person__email=f"learner@{DEMO_DOMAIN}")
    lead = User.objects.get(email=f"programme.lead@{DEMO_DOMAIN}")
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    trips = [
        (
            month.replace(day=6),
            "Royal Derby Teaching Hospital",
            "Ilkeston Community Hospital",
            Decimal("9.5"),
        ),
        (month.replace(day=13), "Royal Derby Teaching Hospital", "Derby teaching centre", Decimal("3.0")),
    ]
    priced = price([(day, "car", miles, 0) for day, _, _, miles in trips], RateTable(), {})
    claim = Claim.objects.create(
        membership=membership,
        month=month,
        status=Claim.Status.APPROVED,
        approved_by=lead,
        total_pence=sum(p.pence for p in priced),
    )
    for (day, origin, destination, miles), p in zip(trips, priced, strict=True):
        Journey.objects.create(
            claim=claim,
            date=day,
            origin=origin,
            destination=destination,
            purpose="session",
            mode="car",
            miles=miles,
            mileage_pence=p.pence,
            rate_note=p.note,
        )


def _demo_teaching(midlands: Programme, today: dt.date) -> None:
    """A monthly enhance teaching series for the Midlands programme, past and upcoming."""
    from zoneinfo import ZoneInfo

    from enhance.teaching.models import Session, Topic

    london = ZoneInfo("Europe/London")
    topics = {t.name: t for t in Topic.objects.all()}
    venue = Site.objects.filter(organisation__name__startswith="Derby and South").first()
    faculty = User.objects.get(email=f"faculty@{DEMO_DOMAIN}")
    plan = [
        ("Public health: the health of Derby's neighbourhoods", "Public health", -40, "in_person"),
        ("VITA: social medicine and the whole person", "VITA (social medicine)", -10, "hybrid"),
        ("Human factors across hospital and community", "Human factors", 9, "in_person"),
        ("Preparing for your community placement", "Community placement", 23, "virtual"),
        ("Immersive experience: working with partners", "Immersive experience", 51, "in_person"),
    ]
    for title, topic, offset, mode in plan:
        day = today + dt.timedelta(days=offset)
        start = dt.datetime(day.year, day.month, day.day, 13, 30, tzinfo=london)
        session = Session.objects.create(
            programme=midlands,
            title=title,
            topic=topics[topic],
            mode=mode,
            venue=venue if mode != "virtual" else None,
            online_link="https://meet.enhance.example/midlands" if mode != "in_person" else "",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
        session.facilitators.set([faculty])
        if offset < 0:
            _demo_register(session, faculty)


def _demo_register(session: Any, faculty: User) -> None:
    """Past sessions have their register taken: most present, a few late, apologies or absent."""
    from enhance.teaching.models import Attendance
    from enhance.teaching.services import expected_memberships

    statuses = ["present"] * 7 + ["late", "apologies", "absent"]
    for n, membership in enumerate(expected_memberships(session).order_by("pk")):
        Attendance.objects.create(
            session=session, membership=membership, status=statuses[n % len(statuses)], recorded_by=faculty
        )


def _demo_projects(midlands: Programme, orgs: dict[str, Organisation]) -> None:
    """Partners, the Midlands milestone templates and an open pairing round for the newest cohort."""
    from enhance.projects.models import MilestoneTemplate, PairingRound, Partner, Population

    populations = {p.name: p for p in Population.objects.all()}
    homeless = Partner.objects.create(
        organisation=orgs["Derby Homeless Health Partnership"],
        summary="Street outreach, a drop-in clinic and hostel in-reach for people experiencing homelessness.",
        location="Derby city centre",
        travel_notes="Five minutes' walk from Derby bus station.",
        learners_per_year=3,
        safeguarding_notes="Induction covers lone working and safeguarding referrals.",
    )
    homeless.populations.set(
        [populations["People experiencing homelessness"], populations["People who use drugs or alcohol"]]
    )
    refugees = Partner.objects.create(
        organisation=orgs["Coventry Refugee Welcome"],
        summary="Advice, English classes and health navigation for refugees and people seeking asylum.",
        location="Coventry",
        learners_per_year=2,
    )
    refugees.populations.set([populations["Refugees and people seeking asylum"]])
    for name, year, months, output in (
        ("Recommendation agreed with the partner", 1, 11, ""),
        ("Conference abstract submitted", 2, 9, "abstract"),
        ("Publication submitted", 3, 10, "publication"),
    ):
        MilestoneTemplate.objects.create(
            programme=midlands,
            name=name,
            training_year=year,
            months_into_year=months,
            completed_by_output=output,
        )
    cohort = midlands.cohorts.order_by("-intake_date").first()
    assert cohort is not None
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    pairing_round = PairingRound.objects.create(
        cohort=cohort, name="Immersive experience partners", created_by=admin
    )
    pairing_round.partners.set([homeless, refugees])
