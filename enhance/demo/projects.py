"""Partners, milestone templates and an open pairing round."""

from __future__ import annotations

from enhance.accounts.models import User
from enhance.demo.accounts import DEMO_DOMAIN
from enhance.programmes.models import Organisation, Programme
from enhance.projects.models import MilestoneTemplate, PairingRound, Partner, Population


def load_projects(midlands: Programme, orgs: dict[str, Organisation]) -> None:
    """Partners, the Midlands milestone templates and an open pairing round for the newest cohort."""

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
