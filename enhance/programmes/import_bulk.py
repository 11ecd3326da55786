"""Adding many new learners at once, for an import's commit: their sign-in accounts, people,
memberships and first grades are each inserted in a few statements (with their history rows)
instead of several queries a learner, so a 10,000-row file commits in well under a minute.

Only people who are new and whose email no account uses yet come here; anyone else goes
through the one-at-a-time services, which link or update what is already there. The rows
have been checked by the import first; each record is validated again here (its own rules,
without queries) and the database's unique constraints refuse anything that slipped past.
New memberships have no kept attendance or readiness yet: the lists count them when read."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from enhance.accounts.models import User
from enhance.programmes.models import GradePeriod, Membership, Person
from enhance.programmes.services import check_can_manage

BATCH = 1000


def new_learners(rows: list[Any]) -> dict[int, Any]:
    """Of an import's checked rows, those (by row number) of people new to enhance whose email
    no account uses yet: these are added in bulk; the rest one at a time."""
    new = [r for r in rows if r.clean["person"] is None and "updates" not in r.clean]
    emails = [r.clean["email"] for r in new]
    taken = set(User.objects.annotate(e=Lower("email")).filter(e__in=emails).values_list("e", flat=True))
    return {r.number: r for r in new if r.clean["email"] not in taken}


@transaction.atomic
def learners_create(*, actor: User, rows: list[Any]) -> list[int]:
    """Create each new learner's account (no password until they accept their invitation),
    person, membership and grade from their start, from the import's checked rows. Returns
    the new accounts' ids, to invite."""
    for programme, locality in {(r.clean["programme"], r.clean.get("locality")) for r in rows}:
        check_can_manage(actor, programme, locality)
    accounts = [_account(r) for r in rows]
    User.objects.bulk_create(accounts, batch_size=BATCH)
    people = [_valid(_person(r, account)) for r, account in zip(rows, accounts, strict=True)]
    people = bulk_create_with_history(people, Person, batch_size=BATCH, default_user=actor)
    memberships = [_valid(_membership(r, person)) for r, person in zip(rows, people, strict=True)]
    memberships = bulk_create_with_history(memberships, Membership, batch_size=BATCH, default_user=actor)
    grades = [
        GradePeriod(membership=m, grade=r.clean["grade"], starts_on=r.clean["start_date"])
        for r, m in zip(rows, memberships, strict=True)
    ]
    bulk_create_with_history(grades, GradePeriod, batch_size=BATCH, default_user=actor)
    return [a.pk for a in accounts]


def _account(row: Any) -> User:
    name = f"{row.values['forename'].strip()} {row.values['surname'].strip()}"
    account = User(email=row.clean["email"].lower(), full_name=name)
    account.set_unusable_password()
    return account


def _person(row: Any, account: User) -> Person:
    body, number = row.clean.get("registration", (None, ""))
    return Person(
        user=account,
        forename=row.values["forename"].strip(),
        surname=row.values["surname"].strip(),
        email=row.clean["email"].lower(),
        profession=row.clean.get("profession"),
        registration_body=body,
        registration_number=number,
    )


def membership_fields(c: dict[str, Any]) -> dict[str, Any]:
    """What a checked row says of the membership it makes (both import paths use this)."""
    return {
        "programme": c["programme"],
        "cohort": c["cohort"],
        "locality": c.get("locality"),
        "employing_organisation": c.get("employing_organisation"),
        "wte": c["wte"],
        "starts_on": c["start_date"],
    }


def _membership(row: Any, person: Person) -> Membership:
    fields = membership_fields(row.clean)
    return Membership(
        person=person, **fields, status=Membership.Status.ACTIVE, status_since=fields["starts_on"]
    )


def _valid(record: Any) -> Any:
    """The record's own rules (its fields and clean()), without the queries Django would make
    to check each foreign key and unique value: the import found those, and the database's
    constraints stand behind it."""
    relations = [f.name for f in record._meta.fields if f.is_relation]
    record.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return record
