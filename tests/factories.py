"""Builders for test data. Reference data (regions, grades, framework) comes from migrations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from allauth.mfa.totp.internal.auth import TOTP

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
    Programme,
    Region,
    RoleAssignment,
)

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            obj.save()


def staff_user(role, mfa=True, **scope):  # returns a User
    user = UserFactory(email=f"{role.replace('_', '.')}{User.objects.count()}@example.org")
    RoleAssignment.objects.create(user=user, role=role, **scope)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    kind = Organisation.Kind.ACUTE_TRUST
    region = factory.LazyFunction(lambda: Region.objects.get(code="midlands"))


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    region = factory.LazyFunction(lambda: Region.objects.get(code="midlands"))
    name = factory.Sequence(lambda n: f"Programme {n}")
    pathway = Programme.Pathway.IMT
    length_years = 3
    framework = factory.LazyFunction(lambda: Framework.objects.get())


class LocalityFactory(factory.django.DjangoModelFactory[Locality]):
    class Meta:
        model = Locality

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")


class CohortFactory(factory.django.DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = "August 2026 intake"
    intake_date = dt.date(2026, 8, 5)


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    forename = factory.Faker("first_name", locale="en_GB")
    surname = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    user = factory.LazyAttribute(lambda o: UserFactory(email=o.email, full_name=f"{o.forename} {o.surname}"))


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    cohort = factory.LazyAttribute(
        lambda o: Cohort.objects.filter(programme=o.programme).first() or CohortFactory(programme=o.programme)
    )
    locality = None
    starts_on = dt.date(2026, 8, 5)
    wte = Decimal("1.00")

    @factory.post_generation
    def grade(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            GradePeriod.objects.create(
                membership=obj, grade=Grade.objects.get(code=extracted or "IMY1"), starts_on=obj.starts_on
            )


def fresh_totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator code, taken early enough in its 30-second window that it is still
    valid when the server checks it (a slow machine could otherwise cross into the next)."""
    import time

    from enhance.demo.accounts import totp_code

    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return totp_code(secret)
