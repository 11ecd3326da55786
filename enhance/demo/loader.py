"""Loads the whole demo in one transaction: people and programmes, then each area."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from enhance.accounts.models import User
from enhance.curriculum.models import Framework
from enhance.demo.accounts import DEMO_DOMAIN, load_accounts
from enhance.demo.data import EMPLOYERS, FORENAMES, ORGANISATIONS, SHAPES, SURNAMES, Shape
from enhance.demo.expenses import load_expenses
from enhance.demo.placements import load_placements
from enhance.demo.projects import load_projects
from enhance.demo.surveys import load_surveys
from enhance.demo.teaching import load_teaching
from enhance.demo.waiting import load_waiting
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
    Site,
)


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
    users = load_accounts(midlands, derbyshire, orgs, learners)
    load_placements(midlands, orgs, today, rng)
    load_expenses(today)
    load_teaching(midlands, today)
    load_projects(midlands, orgs)
    load_waiting(midlands, today)
    demo = Membership.objects.filter(person__user__email__startswith="learner")
    demo_people = set(demo.values_list("person_id", flat=True))
    load_surveys(today, demo_people, rng)
    return {"learners": len(learners), "programmes": len(programmes), "accounts": users}
