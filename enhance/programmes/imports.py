"""Import recruited trainees from a CSV or XLSX file shaped like a TIS export.

Two steps: read_rows() and check_rows() read a file and check every row (import_jobs keeps
the result as a batch to show); import_commit() applies a batch that passed, in one
transaction. Nothing in the programme data changes until commit, and a re-imported file
creates no duplicates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from enhance.accounts.invitations import invite_many
from enhance.accounts.models import User
from enhance.core.spreadsheets import SpreadsheetError, read_table
from enhance.notifications import kinds
from enhance.notifications.services import notify
from enhance.programmes.access import localities_manageable_by, programmes_manageable_by
from enhance.programmes.import_bulk import learners_create, membership_fields, new_learners
from enhance.programmes.models import (
    Cohort,
    Grade,
    GradePeriod,
    ImportBatch,
    Locality,
    Membership,
    Organisation,
    Person,
    Profession,
    Programme,
    RegistrationBody,
)
from enhance.programmes.services import (
    LEARNER_INVITATION_SUBJECT,
    grade_set,
    learner_invitation_intro,
    membership_create,
    membership_update,
    person_create,
)

# Messages people see when a rule refuses them (tests assert them by name).
ONLY_PERSON_WHO_UPLOADED_FILE = "Only the person who uploaded this file can import it."

# Canonical column -> accepted header spellings (compared lower-case, letters and digits only).
COLUMNS: dict[str, tuple[str, ...]] = {
    "gmc_number": ("gmcnumber", "gmc", "gmcno", "gmcreferencenumber"),
    "registration_body": ("registrationbody", "regulator", "professionalregulator"),
    "registration_number": ("registrationnumber", "registrationno", "pin", "pinnumber"),
    "profession": ("profession", "staffgroup"),
    "forename": ("forename", "forenames", "firstname", "givenname"),
    "surname": ("surname", "lastname", "familyname"),
    "email": ("email", "emailaddress"),
    "programme": ("programme", "programmename"),
    "locality": ("locality",),
    "employing_organisation": ("employingorganisation", "employingbody", "employer", "trust"),
    "start_date": ("startdate", "programmestartdate", "programmemembershipstartdate"),
    "grade": ("grade", "gradeabbreviation", "traininggrade"),
    "wte": ("wte", "wholetimeequivalent"),
}
REQUIRED = ("forename", "surname", "email", "programme", "start_date", "grade")
LABELS = {
    "gmc_number": "GMC number",
    "registration_body": "Registration body",
    "registration_number": "Registration number",
    "profession": "Profession",
    "forename": "Forename",
    "surname": "Surname",
    "email": "Email",
    "programme": "Programme",
    "locality": "Locality",
    "employing_organisation": "Employing organisation",
    "start_date": "Start date",
    "grade": "Grade",
    "wte": "WTE",
}
MAX_ROWS = 10_000
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d/%m/%y")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, no header, missing columns)."""


@dataclass
class RowResult:
    number: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""
    clean: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview:
    rows: list[RowResult]
    batch: ImportBatch | None = None

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _map_header(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _key(title)
        for column, spellings in COLUMNS.items():
            if key in spellings:
                if column in found:
                    raise ImportFileError(COLUMN_TWICE.format(label=LABELS[column]))
                found[column] = index
    missing = [LABELS[c] for c in REQUIRED if c not in found]
    if missing:
        raise ImportFileError(
            "The header row is missing these columns: "
            + ", ".join(missing)
            + ". Expected columns: "
            + ", ".join(LABELS.values())
            + "."
        )
    return found


def parse_date(value: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_wte(value: str) -> Decimal:
    text = value.strip().rstrip("%").strip()
    number = Decimal(text)
    if value.strip().endswith("%") or number > 1:
        number = number / 100
    if not Decimal("0.1") <= number <= Decimal("1"):
        raise ValueError(value)
    return number.quantize(Decimal("0.01"))


class _Lookups:
    """Everything rows are checked against, read once (a handful of queries per file)."""

    def __init__(self, actor: User) -> None:
        self.all_programmes = {p.name.lower(): p for p in Programme.objects.all()}
        self.manageable = set(programmes_manageable_by(actor).values_list("id", flat=True))
        self.localities = {
            (loc.programme_id, loc.name.lower()): loc for loc in localities_manageable_by(actor)
        }
        self.all_localities = {
            (pid, name.lower()) for pid, name in Locality.objects.values_list("programme_id", "name")
        }
        self.programmes_with_localities = {pid for pid, _ in self.all_localities}
        self.cohorts: dict[int, list[Cohort]] = {}
        for cohort in Cohort.objects.order_by("-intake_date"):
            self.cohorts.setdefault(cohort.programme_id, []).append(cohort)
        self.organisations: dict[str, Organisation] = {}
        for org in Organisation.objects.all():
            self.organisations[org.name.lower()] = org
            if org.ods_code:
                self.organisations[org.ods_code.lower()] = org
        self.grades = {g.code.lower(): g for g in Grade.objects.all()}
        self.bodies = {b.code.lower(): b for b in RegistrationBody.objects.all()}
        self.professions = {p.name.lower(): p for p in Profession.objects.all()}


# Text cells are held to the lengths the records keep, so the preview refuses what the
# import could not store.
TEXT_LIMITS = {
    "forename": Person._meta.get_field("forename").max_length or 0,
    "surname": Person._meta.get_field("surname").max_length or 0,
    "email": Person._meta.get_field("email").max_length or 0,
}
TOO_LONG = "{label} is longer than {limit} characters."
MISSING = "{label} is missing."
COLUMN_TWICE = "The column {label} appears twice in the header row."
NO_TRAINEES = "The file has a header row but no trainees."
NOT_AN_EMAIL = "'{value}' is not an email address."
NOT_A_GMC_NUMBER = "'{value}' is not a GMC number: it must be 7 digits."
NO_SUCH_PROGRAMME = "There is no programme called '{value}'."
NO_SUCH_LOCALITY = "{programme} has no locality called '{value}'."
CANNOT_IMPORT_INTO_LOCALITY = "You cannot import learners into {programme}: {locality}."
LOCALITY_MISSING = "Locality is missing: {programme} has localities."
CANNOT_IMPORT_INTO = "You cannot import learners into {programme}."
NO_SUCH_ORGANISATION = "There is no organisation called '{value}'."
NOT_A_DATE = "'{value}' is not a date: use DD/MM/YYYY, like 06/08/2025."
COHORT_CLOSED = "{cohort} is closed: open the next intake on the programme's page."
NO_COHORT = "{programme} has no cohort for an intake on {start:%d/%m/%Y}: add the cohort first."
NOT_A_GRADE = "'{value}' is not a known grade (for example IMY1, F1, F2)."
NOT_A_WTE = "'{value}' is not a whole-time equivalent: use a number from 0.1 to 1.0."
TWO_PEOPLE = "{email} belongs to {email_person}, but {body} number {number} belongs to {number_person}."
NO_SUCH_BODY = "'{value}' is not a registration body we know: use one of {codes}."
BODY_NEEDED = "Say which body gave registration number {value}: one of {codes}."
NOT_A_NUMBER_OF = "'{value}' is not a {body} number: it looks like {example}."
GMC_AND_OTHER = "Give a GMC number or another registration, not both."
NO_SUCH_PROFESSION = "'{value}' is not a profession we know: use one of {names}."
OTHER_NUMBER = "{email} is already recorded with registration number {number}."
DUPLICATE = "{label} {value} is also on row {row}: each trainee once."
NEW_LEARNER = "New learner"
JOINS = "Existing person joins this programme"
NO_CHANGE = "Already in this programme: no change"
UPDATE = "Already in this programme, update: {changes}"
FINISHED = "{created} new programme memberships; {updated} updated; {unchanged} already up to date."
ALREADY = "This file was already {status}."
ROW_PROBLEMS = "row {row}: {problems}"
INVITATION_INTRO_SEVERAL = (
    "You are a learner in enhance, where you will find your teaching, placements and portfolio."
)
DATA_CHANGED = "The data changed since the preview, so nothing was imported ({problems})."


def _check_row(row: RowResult, look: _Lookups) -> None:
    v = row.values
    e = row.errors
    c = row.clean
    for column in REQUIRED:
        if not v.get(column):
            e[column] = MISSING.format(label=LABELS[column])
    for column, limit in TEXT_LIMITS.items():
        if len(v.get(column, "")) > limit:
            e[column] = TOO_LONG.format(label=LABELS[column], limit=limit)
    if v.get("email") and "email" not in e:
        try:
            validate_email(v["email"])
            c["email"] = v["email"].lower()
        except ValidationError:
            e["email"] = NOT_AN_EMAIL.format(value=v["email"])
    _check_registration(v, e, c, look)
    if v.get("profession"):
        profession = look.professions.get(v["profession"].strip().lower())
        if profession is None:
            names = ", ".join(p.name for p in look.professions.values())
            e["profession"] = NO_SUCH_PROFESSION.format(value=v["profession"], names=names)
        else:
            c["profession"] = profession
    programme = None
    if v.get("programme"):
        programme = look.all_programmes.get(v["programme"].lower())
        if programme is None:
            e["programme"] = NO_SUCH_PROGRAMME.format(value=v["programme"])
        else:
            c["programme"] = programme
    if programme is not None:
        name = v.get("locality", "").lower()
        if name:
            if (programme.id, name) not in look.all_localities:
                e["locality"] = NO_SUCH_LOCALITY.format(programme=programme.name, value=v["locality"])
            elif (programme.id, name) not in look.localities:
                e["locality"] = CANNOT_IMPORT_INTO_LOCALITY.format(
                    programme=programme.name, locality=v["locality"]
                )
            else:
                c["locality"] = look.localities[(programme.id, name)]
        elif programme.id in look.programmes_with_localities:
            e["locality"] = LOCALITY_MISSING.format(programme=programme.name)
        if programme.id not in look.manageable and "locality" not in c and "locality" not in e:
            e["programme"] = CANNOT_IMPORT_INTO.format(programme=programme.name)
    if v.get("employing_organisation"):
        org = look.organisations.get(v["employing_organisation"].lower())
        if org is None:
            e["employing_organisation"] = NO_SUCH_ORGANISATION.format(value=v["employing_organisation"])
        else:
            c["employing_organisation"] = org
    if v.get("start_date"):
        try:
            c["start_date"] = parse_date(v["start_date"])
        except ValueError:
            e["start_date"] = NOT_A_DATE.format(value=v["start_date"])
    if programme is not None and "start_date" in c:
        start = c["start_date"]
        cohort = next((x for x in look.cohorts.get(programme.id, []) if x.intake_date <= start), None)
        if cohort is None or start - cohort.intake_date > dt.timedelta(days=366):
            e["start_date"] = NO_COHORT.format(programme=programme.name, start=start)
        elif cohort.is_closed:
            e["start_date"] = COHORT_CLOSED.format(cohort=cohort)
        else:
            c["cohort"] = cohort
    if v.get("grade"):
        grade = look.grades.get(v["grade"].lower())
        if grade is None:
            e["grade"] = NOT_A_GRADE.format(value=v["grade"])
        else:
            c["grade"] = grade
    if v.get("wte"):
        try:
            c["wte"] = parse_wte(v["wte"])
        except (ValueError, InvalidOperation):
            e["wte"] = NOT_A_WTE.format(value=v["wte"])
    else:
        c["wte"] = Decimal("1.00")


def _check_registration(v: dict[str, str], e: dict[str, str], c: dict[str, Any], look: _Lookups) -> None:
    """A GMC number, or any registration body (by its code) with a number of its shape.
    Errors go on the column the file used; the registration is kept as (body, number)."""
    gmc = v.get("gmc_number", "").replace(" ", "")
    number = v.get("registration_number", "").replace(" ", "").upper()
    code = v.get("registration_body", "").strip()
    codes = ", ".join(b.code for b in look.bodies.values())
    if gmc and (number or code):
        e["registration_number"] = GMC_AND_OTHER
        return
    if gmc:
        if not re.fullmatch(r"\d{7}", gmc) or "gmc" not in look.bodies:
            e["gmc_number"] = NOT_A_GMC_NUMBER.format(value=v["gmc_number"])
        else:
            c["registration"], c["registration_key"] = (look.bodies["gmc"], gmc), f"GMC {gmc}"
        return
    if not number and not code:
        return
    body = look.bodies.get(code.lower())
    if not code:
        e["registration_body"] = BODY_NEEDED.format(value=number, codes=codes)
    elif body is None:
        e["registration_body"] = NO_SUCH_BODY.format(value=code, codes=codes)
    elif not number:
        e["registration_number"] = MISSING.format(label=LABELS["registration_number"])
    elif not body.number_is_valid(number):
        e["registration_number"] = NOT_A_NUMBER_OF.format(
            value=number, body=body.code, example=body.number_example
        )
    else:
        c["registration"], c["registration_key"] = (body, number), f"{body.code} {number}"


def _registration_column(row: RowResult) -> str:
    return "gmc_number" if row.values.get("gmc_number") else "registration_number"


def _match_people(rows: list[RowResult], look: _Lookups) -> None:
    """Find existing people by registration or email, flag conflicts, and decide each row's action."""
    emails = {r.clean["email"] for r in rows if "email" in r.clean}
    registrations = [r.clean["registration"] for r in rows if "registration" in r.clean]
    by_email = {p.email: p for p in Person.objects.annotate(e=Lower("email")).filter(e__in=emails)}
    by_number = {}
    if registrations:
        wanted = Q()
        for body, number in registrations:
            wanted |= Q(registration_body=body, registration_number=number)
        by_number = {
            (p.registration_body_id, p.registration_number): p
            for p in Person.objects.filter(wanted).select_related("registration_body")
        }
    people = {p.id for p in [*by_email.values(), *by_number.values()]}
    memberships = _current_memberships(people)
    for row in rows:
        if row.errors:
            continue
        c = row.clean
        email_person = by_email.get(c["email"])
        body, number = c.get("registration", (None, ""))
        number_person = by_number.get((body.pk, number)) if body else None
        if email_person and number_person and email_person.id != number_person.id:
            row.errors["email"] = TWO_PEOPLE.format(
                email=c["email"],
                email_person=email_person,
                body=body,
                number=number,
                number_person=number_person,
            )
            continue
        person = email_person or number_person
        if (
            person
            and number
            and (person.registration_body_id, person.registration_number)
            not in (
                (None, ""),
                (body.pk, number),
            )
        ):
            row.errors[_registration_column(row)] = OTHER_NUMBER.format(
                email=c["email"], number=person.registration_number
            )
            continue
        c["person"] = person
        membership, grade = (
            memberships.get((person.id, c["programme"].id), (None, None)) if person else (None, None)
        )
        if person is None:
            row.action = NEW_LEARNER
        elif membership is None:
            row.action = JOINS
        elif changes := _changes(membership, grade, c, row.values):
            c["membership"], c["updates"] = membership, changes
            row.action = UPDATE.format(
                changes="; ".join(f"{label} {old} to {new}" for label, old, new in changes.values())
            )
        else:
            row.action = NO_CHANGE


def _current_memberships(people: set[int]) -> dict[tuple[int, int], tuple[Membership, Grade | None]]:
    """Each person's membership per programme, with its current grade (two queries)."""
    found = {
        (m.person_id, m.programme_id): m
        for m in Membership.objects.filter(person_id__in=people).select_related(
            "locality", "employing_organisation"
        )
    }
    latest: dict[int, Any] = {}
    for period in (
        GradePeriod.objects.filter(membership__in=[m.pk for m in found.values()])
        .select_related("grade")
        .order_by("membership_id", "starts_on", "pk")
    ):
        latest[period.membership_id] = period.grade
    return {key: (m, latest.get(m.pk)) for key, m in found.items()}


def _changes(
    membership: Membership, grade: Grade | None, c: dict[str, Any], values: dict[str, str]
) -> dict[str, tuple[str, Any, Any]]:
    """What the file says differently about someone already in the programme: locality, WTE,
    grade, employer (a field the file leaves empty is not a change)."""
    now = {
        "locality": membership.locality,
        "wte": membership.wte,
        "grade": grade,
        "employing_organisation": membership.employing_organisation,
    }
    changes = {}
    for name, old in now.items():
        new = c.get(name) if values.get(name, "").strip() else None
        if new is not None and new != old:
            changes[name] = (LABELS[name], old if old is not None else "none", new)
    return changes


def _apply(actor: User, c: dict[str, Any]) -> None:
    """Apply the confirmed changes to someone already in the programme (grade from today)."""
    updates = {name: new for name, (_, _, new) in c["updates"].items()}
    grade = updates.pop("grade", None)
    membership_update(
        actor=actor, membership=c["membership"], grade=grade, grade_starts_on=timezone.localdate(), **updates
    )


def read_rows(data: bytes) -> list[RowResult]:
    """The file's trainees, one row each, by column. Raises ImportFileError for a file that
    cannot be read at all (not a spreadsheet, no header, missing columns, no rows)."""
    try:
        table = read_table(data, max_rows=MAX_ROWS)
    except SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None
    columns = _map_header(table[0])
    if len(table) < 2:
        raise ImportFileError(NO_TRAINEES)
    return [
        RowResult(number=n, values={col: (cells[i] if i < len(cells) else "") for col, i in columns.items()})
        for n, cells in enumerate(table[1:], start=2)
    ]


def check_rows(actor: User, rows: list[RowResult]) -> None:
    """Check every row against the data as it is now: errors by column, and each good row's
    action (new learner, joins, update, no change)."""
    look = _Lookups(actor)
    for row in rows:
        _check_row(row, look)
    _flag_duplicates(rows, "email", "Email")
    _flag_duplicates(rows, "registration_key", "Registration", _registration_column)
    _match_people(rows, look)


def _flag_duplicates(
    rows: list[RowResult], column: str, label: str, error_column: Callable[[RowResult], str] | None = None
) -> None:
    """A value seen on an earlier row is an error on the later one, put on `error_column(row)`
    (by default the column itself)."""
    first_seen: dict[str, int] = {}
    for row in rows:
        value = row.clean.get(column)
        if not value:
            continue
        if value in first_seen:
            where = error_column(row) if error_column else column
            row.errors[where] = DUPLICATE.format(label=label, value=value, row=first_seen[value])
        else:
            first_seen[value] = row.number


@transaction.atomic
def import_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Apply a previewed batch, all or nothing. Rows are checked again, since the data may
    have changed since the preview."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise PermissionDenied(ONLY_PERSON_WHO_UPLOADED_FILE)
    if batch.status not in (ImportBatch.Status.READY, ImportBatch.Status.QUEUED):
        raise ValidationError(ALREADY.format(status=batch.get_status_display().lower()))
    rows = [RowResult(number=r["number"], values=r["values"]) for r in batch.rows]
    check_rows(actor, rows)
    bad = [r for r in rows if r.errors]
    if bad:
        problems = "; ".join(
            ROW_PROBLEMS.format(row=r.number, problems=" ".join(r.errors.values())) for r in bad[:5]
        )
        raise ValidationError(DATA_CHANGED.format(problems=problems))
    created = unchanged = updated = 0
    fresh = new_learners(rows)
    invited = learners_create(actor=actor, rows=list(fresh.values())) if fresh else []
    created += len(fresh)
    for row in rows:
        if row.number in fresh:
            continue
        c = row.clean
        person = c["person"]
        if person is None:
            person = person_create(
                actor=actor,
                forename=row.values["forename"],
                surname=row.values["surname"],
                email=c["email"],
                profession=c.get("profession"),
                registration_body=c["registration"][0] if "registration" in c else None,
                registration_number=c["registration"][1] if "registration" in c else "",
            )
            if person.user is not None and not person.user.has_usable_password():
                invited.append(person.user.pk)
        if "updates" in c:
            _apply(actor, c)
            updated += 1
            continue
        if row.action == NO_CHANGE:
            unchanged += 1
            continue
        membership = membership_create(actor=actor, person=person, **membership_fields(c))
        grade_set(actor=actor, membership=membership, grade=c["grade"], starts_on=c["start_date"])
        created += 1
    if invited:
        programmes = {r.clean["programme"] for r in rows}
        intro = (
            learner_invitation_intro(programmes.pop()) if len(programmes) == 1 else INVITATION_INTRO_SEVERAL
        )
        transaction.on_commit(
            lambda: invite_many.enqueue(user_ids=invited, subject=LEARNER_INVITATION_SUBJECT, intro=intro)
        )
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.created_count = created
    batch.unchanged_count = unchanged
    batch.updated_count = updated
    batch.save()
    notify(
        recipient=actor,
        kind=kinds.IMPORT_FINISHED.code,
        title=f"Imported {batch.filename}",
        body=FINISHED.format(created=created, updated=updated, unchanged=unchanged),
        url=batch.get_absolute_url(),
    )
    return batch
