"""Regions, organisations, sites, programmes, localities, cohorts, people, their programme
memberships, and staff role assignments. Words follow the national trainee record (TIS)
where they fit: Person, Programme, Programme membership, Grade, Site, Trust."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.programmes.role_kinds import ROLE_SCOPE_FIELD, SCOPE_FIELDS, Role

ENTER_UK_POSTCODE = "Enter a UK postcode, like DE1 2QY."
ENTER_REGISTRATION_NUMBER = "Enter the registration number."
CHOOSE_REGISTRATION_BODY = "Choose the body that issued this number."
CHOOSE_COHORT_OF_PROGRAMME = "Choose a cohort of this programme."
COHORT_CLOSED = "{cohort} is closed: choose an open intake."
CHOOSE_LOCALITY_OF_PROGRAMME = "Choose a locality of this programme."
END_ON_OR_AFTER_START = "The end date must be on or after the start date."
ROLE_NEEDS_SCOPE = "A {role} needs a {field}."
ROLE_NOT_SCOPED_BY = "A {role} is not scoped by {field}."
REGISTRATION_NUMBER_FORMAT = "Enter a {body} number in the right format, like {example}."
PATTERN_INVALID = "Enter a valid regular expression, like [0-9]{7}."
EXAMPLE_DOES_NOT_MATCH = "The example must match the pattern."

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)


class Region(models.Model):
    """One of the seven NHS England regions, each with its enhance trailblazer."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ACUTE_TRUST = "acute_trust", "Acute trust"
        COMMUNITY_PROVIDER = "community_provider", "Community trust or provider"
        GP_PRACTICE = "gp_practice", "GP practice"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        UNIVERSITY = "university", "University"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def validate_postcode(value: str) -> None:
    if not POSTCODE_RE.match(value.strip()):
        raise ValidationError(ENTER_UK_POSTCODE)


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=8, validators=[validate_postcode])
    public_transport = models.TextField(
        "getting there by public transport", blank=True, help_text="Buses, trains and walking routes."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Programme(models.Model):
    class Pathway(models.TextChoices):
        IMT = "imt", "Internal Medicine Training"
        FOUNDATION = "foundation", "Foundation"
        MULTI_PROFESSIONAL = "multi_professional", "Multi-professional"
        SPECIALTY = "specialty", "Specialty training"
        OTHER = "other", "Other"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=200)
    pathway = models.CharField(max_length=30, choices=Pathway.choices)
    length_years = models.PositiveSmallIntegerField(
        "length in years", validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    framework = models.ForeignKey("curriculum.Framework", on_delete=models.PROTECT, related_name="programmes")
    description = models.TextField(blank=True)
    attendance_threshold = models.PositiveSmallIntegerField(
        "attendance threshold (%)",
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of expected enhance sessions a learner must attend.",
    )
    apologies_excused = models.BooleanField(
        "apologies excuse a session",
        default=False,
        help_text="When ticked, a session a learner sent apologies for is left out of their rate; "
        "otherwise it counts as missed.",
    )
    year_start_month = models.PositiveSmallIntegerField(
        "training year starts in month",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Attendance rates are shown for the training year, which starts on the 1st of "
        "this month (8 for the August changeover).",
    )
    study_leave_days = models.DecimalField(
        "standard study leave days a year",
        max_digits=4,
        decimal_places=1,
        default=Decimal("30"),
        help_text="For a full-time learner; less-than-full-time learners get a pro-rata share.",
    )
    enhance_leave_days = models.DecimalField(
        "extra study leave days for enhance",
        max_digits=4,
        decimal_places=1,
        default=Decimal("5"),
    )
    assessor_email_domains = models.TextField(
        "assessors' email domains",
        blank=True,
        help_text=(
            "One domain a line (for example nhs.net). Assessment links go straight to these; an "
            "assessor at any other address needs the learner's supervisor to approve first. Leave "
            "empty to allow any address."
        ),
    )
    leave_notice_days = models.PositiveSmallIntegerField(
        "notice needed for study leave (days)", default=42, validators=[MaxValueValidator(365)]
    )
    claim_window_months = models.PositiveSmallIntegerField(
        "expense claim window in months",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Journeys older than this cannot be claimed.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="programme_name_unique_in_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def assessor_domain_allowed(self, email: str) -> bool:
        """Whether an assessment link may go to this address without a supervisor's approval."""
        domains = {d.strip().lower().lstrip("@") for d in self.assessor_email_domains.split() if d.strip()}
        if not domains:
            return True
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return any(domain == d or domain.endswith("." + d) for d in domains)


class Locality(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="localities")
    name = models.CharField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__name", "name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="locality_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100)
    intake_date = models.DateField()
    closed_on = models.DateField(null=True, blank=True, editable=False)  # when its learners had finished
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme__name", "-intake_date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "intake_date"], name="cohort_intake_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class Profession(models.Model):
    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegistrationBody(models.Model):
    """A professional regulator (GMC, NMC, HCPC, GPhC, ...) and the shape of its numbers."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    number_pattern = models.CharField(
        max_length=200, help_text="A regular expression the whole registration number must match."
    )
    number_example = models.CharField(max_length=40)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "registration bodies"

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        try:
            re.compile(self.number_pattern)
        except re.error:
            raise ValidationError({"number_pattern": PATTERN_INVALID}) from None
        if self.number_example and not self.number_is_valid(self.number_example):
            raise ValidationError({"number_example": EXAMPLE_DOES_NOT_MATCH})

    def number_is_valid(self, number: str) -> bool:
        return re.fullmatch(self.number_pattern, number) is not None


class Grade(models.Model):
    """A training grade or level, e.g. IMY1, F2, Band 6."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField("phone number", max_length=30, blank=True)
    adjustments = models.TextField(
        "reasonable adjustments to share with my leads", max_length=2000, blank=True
    )
    email = models.EmailField(unique=True)
    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, null=True, blank=True)
    registration_body = models.ForeignKey(RegistrationBody, on_delete=models.PROTECT, null=True, blank=True)
    registration_number = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["surname", "forename"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["registration_body", "registration_number"],
                condition=~Q(registration_number=""),
                name="registration_number_unique_per_body",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.preferred_name or self.forename} {self.surname}"

    def clean(self) -> None:
        self.registration_number = self.registration_number.strip().upper()
        if self.registration_body_id and not self.registration_number:
            raise ValidationError({"registration_number": ENTER_REGISTRATION_NUMBER})
        if self.registration_number and not self.registration_body_id:
            raise ValidationError({"registration_body": CHOOSE_REGISTRATION_BODY})
        body = self.registration_body
        if body and not body.number_is_valid(self.registration_number):
            wrong = REGISTRATION_NUMBER_FORMAT.format(body=body.code, example=body.number_example)
            raise ValidationError({"registration_number": wrong})


class Membership(models.Model):
    """A person's membership of a programme as a learner (TIS: programme membership)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="memberships")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    locality = models.ForeignKey(
        Locality, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    employing_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="employed_memberships"
    )
    wte = models.DecimalField(
        "whole-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text="1.0 for full time; 0.6 for someone working 60% less than full time.",
    )
    starts_on = models.DateField("start date")
    ends_on = models.DateField("end date", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(default=dt.date.today)
    holds_driving_licence = models.BooleanField("holds a full driving licence", default=False)
    licence_checked_on = models.DateField("licence last checked", null=True, blank=True)
    business_insurance_expires_on = models.DateField(
        "business-use car insurance expires on", null=True, blank=True
    )
    insurance_certificate = models.FileField(upload_to="insurance/%Y/", blank=True)
    insurance_certificate_type = models.CharField(max_length=40, blank=True, editable=False)
    arcp_date = models.DateField("next ARCP date", null=True, blank=True)
    arcp_reminded_for = models.DateField(null=True, blank=True, editable=False)
    insurance_reminded_for = models.DateField(null=True, blank=True, editable=False)
    assignment_number = models.CharField(
        "staff or assignment number",
        max_length=30,
        blank=True,
        help_text="From the employing Trust's payroll.",
    )
    cost_centre = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__surname", "person__forename"]
        indexes = [models.Index(fields=["status", "-starts_on", "id"], name="membership_newest_starters")]
        constraints = [
            models.UniqueConstraint(fields=["person", "programme"], name="one_membership_per_programme"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.programme}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.cohort_id and self.programme_id and self.cohort.programme_id != self.programme_id:
            errors["cohort"] = CHOOSE_COHORT_OF_PROGRAMME
        elif self.pk is None and self.cohort_id and self.cohort.is_closed:
            errors["cohort"] = COHORT_CLOSED.format(cohort=self.cohort)
        if (
            self.locality is not None
            and self.programme_id
            and self.locality.programme_id != self.programme_id
        ):
            errors["locality"] = CHOOSE_LOCALITY_OF_PROGRAMME
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = END_ON_OR_AFTER_START
        if errors:
            raise ValidationError(errors)


class GradePeriod(models.Model):
    """The grade a learner holds from a date (IMY1 from August 2025, IMY2 from August 2026)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="grade_periods")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT)
    starts_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["membership", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "starts_on"], name="one_grade_per_start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.grade} from {self.starts_on:%d %b %Y}"


class Pause(models.Model):
    """A time a learner's membership was paused (parental leave, sickness, time out of
    programme): they are not expected at sessions in it. Open while `ends_on` is empty."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["membership", "-starts_on"]

    def __str__(self) -> str:
        return f"Paused from {self.starts_on:%d %b %Y}"


class RoleAssignment(models.Model):
    """A staff role held by a user within one scope (a region, programme, locality,
    organisation or named learner). Learners need no assignment: their membership is it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True)
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True)
    learner = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="supervisor_roles"
    )
    ends_on = models.DateField("role ends on", null=True, blank=True, help_text="Ended the morning after.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.get_role_display()}" + (f" ({scope})" if scope else "")

    @property
    def scope(self) -> object | None:
        field = ROLE_SCOPE_FIELD.get(self.role)
        return getattr(self, field) if field else None

    def clean(self) -> None:
        needed = ROLE_SCOPE_FIELD.get(self.role)
        errors: dict[str, str] = {}
        for field in SCOPE_FIELDS:
            is_set = getattr(self, f"{field}_id") is not None
            if field == needed and not is_set:
                errors[field] = ROLE_NEEDS_SCOPE.format(role=self.get_role_display().lower(), field=field)
            elif field != needed and is_set:
                errors[field] = ROLE_NOT_SCOPED_BY.format(role=self.get_role_display().lower(), field=field)
        if errors:
            raise ValidationError(errors)


class ImportBatch(models.Model):
    """An upload of recruited trainees: checked in the background, then waiting to be committed
    (or committed). Rows are stored normalised so the preview is exactly what lands."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        REJECTED = "rejected", "Problems found"
        READY = "ready", "Ready to import"
        QUEUED = "queued", "Importing"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Not imported"
        DISCARDED = "discarded", "Discarded"

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # why the import stopped, when it did
    problems = models.JSONField(default=list)  # rows that failed the check: number and errors

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programmes:import_detail", args=[self.pk])

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def checking(self) -> bool:
        return self.status == self.Status.CHECKING

    @property
    def rejected(self) -> bool:
        return self.status == self.Status.REJECTED

    @property
    def committed(self) -> bool:
        return self.status == self.Status.COMMITTED

    @property
    def in_progress(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED


class RecordView(models.Model):
    """Someone opened another person's record (a reflection, an assessment, a claim): the
    person can see who looked, and when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="record_views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    what = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["person", "-viewed_at", "-id"], name="record_view_person_newest")]

    def __str__(self) -> str:
        return f"{self.viewer} viewed {self.what}"


class Announcement(models.Model):
    """A message from a lead to the learners of a programme, or of one cohort or locality of
    it: in the app and by email (as each learner chose), sent in the background."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="announcements")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    locality = models.ForeignKey(Locality, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField("subject", max_length=200)
    body = models.TextField("message", max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENDING)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audience(self) -> str:
        parts = [self.programme.name, self.cohort and self.cohort.name, self.locality and self.locality.name]
        return ", ".join(p for p in parts if p)
