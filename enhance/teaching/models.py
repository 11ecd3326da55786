"""Enhance teaching sessions, their audience, and attendance with self check-in."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.programmes.models import Cohort, Locality, Membership, Programme, Site


class Topic(models.Model):
    """Reference data: public health, VITA (social medicine), human factors, ..."""

    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _secret() -> str:
    return secrets.token_hex(16)


SESSION_ENDS_BEFORE_START = "The session must end after it starts."
VENUE_NEEDED = "Choose the venue for an in-person or hybrid session."
LINK_NEEDED = "Add the joining link for a virtual or hybrid session."


class Session(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIRTUAL = "virtual", "Virtual"
        HYBRID = "hybrid", "Hybrid"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions")
    series_key = models.CharField(
        max_length=32, blank=True, help_text="Shared by the sessions of one series."
    )
    title = models.CharField(max_length=200)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    venue = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True)
    online_link = models.URLField(blank=True, help_text="Shown only to the learners expected.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cohorts = models.ManyToManyField(Cohort, blank=True, help_text="Leave empty for the whole programme.")
    localities = models.ManyToManyField(Locality, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions"
    )
    domains = models.ManyToManyField("curriculum.Domain", blank=True)
    themes = models.ManyToManyField("curriculum.Theme", blank=True)
    materials = models.TextField(blank=True, help_text="Links to slides and reading, one per line.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty for no limit. With a limit, learners book a place."
    )
    cancelled = models.BooleanField(default=False)
    register_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    register_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    checkin_secret = models.CharField(max_length=32, default=_secret, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[cohorts, localities])

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("teaching:session_detail", args=[self.pk])

    def clean(self) -> None:
        """The rules every way of saving a session meets (pages, commands, the API)."""
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = SESSION_ENDS_BEFORE_START
        if self.mode in (self.Mode.IN_PERSON, self.Mode.HYBRID) and not self.venue_id:
            errors["venue"] = VENUE_NEEDED
        if self.mode in (self.Mode.VIRTUAL, self.Mode.HYBRID) and not self.online_link:
            errors["online_link"] = LINK_NEEDED
        if errors:
            raise ValidationError(errors)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        LEFT_EARLY = "left_early", "Left early"
        ABSENT = "absent", "Absent"
        APOLOGIES = "apologies", "Apologies sent"
        EXCUSED = "excused", "Excused"
        NOT_RECORDED = "not_recorded", "Not recorded"

    ATTENDED = (Status.PRESENT, Status.LATE, Status.LEFT_EARLY)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_attendance_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.person}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in self.ATTENDED

    @property
    def apologised(self) -> bool:
        return self.status == self.Status.APOLOGIES

    @property
    def status_label(self) -> str:
        return self.get_status_display().lower()


class Feedback(models.Model):
    """An attendee's feedback on a session. Results are shown without names."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=[(n, str(n)) for n in range(1, 6)])
    worked = models.TextField("what worked", blank=True)
    change = models.TextField("what to change", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_feedback_per_attendee"),
        ]


class LeaveRequest(models.Model):
    """Study leave for a learner. Leave for an enhance session draws on the enhance days; other
    leave on the standard allowance."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Part(models.TextChoices):
        FULL = "full", "Full days"
        MORNING = "am", "Morning only"
        AFTERNOON = "pm", "Afternoon only"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="leave_requests")
    starts_on = models.DateField()
    ends_on = models.DateField()
    part = models.CharField(max_length=4, choices=Part.choices, default=Part.FULL)
    days = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.CharField(max_length=300)
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    external_course = models.CharField(max_length=200, blank=True)
    estimated_cost_pence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    chased_at = models.DateTimeField(null=True, blank=True, editable=False)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.membership.person}: {self.starts_on:%d %b %Y}"

    @property
    def enhance(self) -> bool:
        return self.session_id is not None


class Booking(models.Model):
    """A place at a session with limited capacity, or a place on its waiting list."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    waitlisted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_booking_per_learner")
        ]

    @property
    def outcome(self) -> str:
        return "You are on the waiting list." if self.waitlisted else "Your place is booked."


class Material(models.Model):
    """A file for a session: slides, a handout, reading."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="materials/%Y/%m/")
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class OutOfReachAlert(models.Model):
    """The day a learner and their leads were told that the attendance threshold can no longer
    be met this training year: once a learner per year."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="out_of_reach_alerts")
    year_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "year_start"], name="one_out_of_reach_alert_a_year")
        ]


class Standing(models.Model):
    """A learner's attendance this training year, kept so that the attendance list, the leads'
    home pages and the morning alerts sort and filter across every learner without counting
    each one (see `teaching.standing`). Marked stale when anything it counts changes."""

    class Rank(models.IntegerChoices):
        OUT_OF_REACH = 0
        BELOW = 1
        ON_TRACK = 2

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    year_start = models.DateField()
    attended = models.PositiveIntegerField()
    expected = models.PositiveIntegerField()
    upcoming = models.PositiveIntegerField()
    rate = models.PositiveSmallIntegerField(null=True)
    threshold = models.PositiveSmallIntegerField()
    reachable = models.BooleanField()
    rank = models.PositiveSmallIntegerField(choices=Rank.choices)
    stale = models.BooleanField(default=False)
    counted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["rank", "rate"], name="standing_at_risk"),
            models.Index(fields=["counted_at"], name="standing_counted", condition=models.Q(stale=False)),
            models.Index(fields=["stale"], name="standing_stale", condition=models.Q(stale=True)),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.attended}/{self.expected}"
