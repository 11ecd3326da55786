"""The demo sign-ins: one account per staff role (sharing one authenticator secret) and two
learners."""

from __future__ import annotations

import datetime as dt
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from enhance.accounts.models import User
from enhance.programmes.models import Locality, Membership, Organisation, Programme, Role, RoleAssignment

DEMO_PASSWORD = "enhance-demo-2026"
# Base32 secret of every demo staff account's authenticator; `manage.py demo_totp` prints the code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "enhance.example"


def _staff(email: str, full_name: str, **extra: bool) -> User:
    user = User.objects.create_user(
        email=f"{email}@{DEMO_DOMAIN}", password=DEMO_PASSWORD, full_name=full_name, **extra
    )
    TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def load_accounts(
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
