"""Confidence surveys (the questions, when they are asked, the answers) and the evaluation
workbooks built from every measure.

Answers are pseudonymous: a response belongs to a Respondent, a stored code for one person,
so a learner's answers at entry and at the end of a year can be paired without any page
showing whose they are. Staff see aggregates only."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from enhance.core.models import BuildStatus, BuiltInBackground
from enhance.curriculum.models import Domain, Theme
from enhance.programmes.models import Cohort, Person, Programme

ONE_LINK_ONLY = "Link an item to a domain or to a theme, not both."
TEXT_NOT_LINKED = "A free-text item cannot be linked to a domain or a theme."


class SurveyItem(models.Model):
    """One question of the confidence survey. Items with no programme make up the national
    questionnaire every learner answers; a programme may add its own."""

    class Answer(models.TextChoices):
        SCALE = "scale", "A rating from 1 to 5"
        TEXT = "text", "Free text"

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_items",
        help_text="Leave empty for the national questionnaire.",
    )
    text = models.CharField("question", max_length=300)
    answer = models.CharField("answered with", max_length=10, choices=Answer.choices, default=Answer.SCALE)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    low_label = models.CharField("what 1 means", max_length=60, default="Not at all confident")
    high_label = models.CharField("what 5 means", max_length=60, default="Very confident")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Inactive items are no longer asked.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_id", "order", "id"]
        verbose_name = "survey question"

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.domain_id and self.theme_id:
            raise ValidationError({"theme": ONE_LINK_ONLY})
        if self.answer == self.Answer.TEXT and (self.domain_id or self.theme_id):
            raise ValidationError({"answer": TEXT_NOT_LINKED})

    @property
    def is_scale(self) -> bool:
        return self.answer == self.Answer.SCALE


class SurveySchedule(models.Model):
    """When a programme's learners are asked: at entry, at the end of each training year, at
    exit; and how long each survey stays open. A programme without one uses the defaults."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="survey_schedule")
    at_entry = models.BooleanField("ask at entry", default=True)
    at_year_end = models.BooleanField("ask at the end of each training year", default=True)
    at_exit = models.BooleanField("ask at exit", default=True)
    open_days = models.PositiveSmallIntegerField(
        "days each survey stays open",
        default=28,
        validators=[MinValueValidator(7), MaxValueValidator(90)],
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Survey schedule of {self.programme}"


class Wave(models.Model):
    """One asking of one cohort: at entry (year 0), at the end of training year n, or at exit
    (the end of the last year)."""

    class Point(models.TextChoices):
        ENTRY = "entry", "Entry"
        YEAR_END = "year_end", "End of year"
        EXIT = "exit", "Exit"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="survey_waves")
    point = models.CharField(max_length=10, choices=Point.choices)
    year = models.PositiveSmallIntegerField(help_text="0 at entry; the training year that ends otherwise.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    invited_count = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "year"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "year"], name="one_wave_per_cohort_year"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} survey of {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:answer", args=[self.pk])

    @property
    def label(self) -> str:
        return wave_label(self.point, self.year)

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


def wave_label(point: str, year: int) -> str:
    if point == Wave.Point.ENTRY:
        return "Entry"
    if point == Wave.Point.EXIT:
        return "Exit"
    return f"End of year {year}"


def _new_code() -> str:
    return secrets.token_hex(16)


class Respondent(models.Model):
    """A person's stored pseudonym: their responses point here, never to them. Never shown."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32, unique=True, default=_new_code, editable=False)

    def __str__(self) -> str:
        return "Respondent"


class Response(models.Model):
    """One respondent's answers to one wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "respondent"], name="one_response_per_wave"),
        ]

    def __str__(self) -> str:
        return f"Response to {self.wave}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True, max_length=2000)
    entry_score = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="The same respondent's rating of this item at entry."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_answer_per_item"),
        ]
        indexes = [models.Index(fields=["item", "score"], name="answer_item_score")]

    def __str__(self) -> str:
        return f"Answer to {self.item}"


class Workbook(BuiltInBackground, models.Model):
    """The evaluation workbook for one scope and set of filters, built in the background."""

    Status = BuildStatus

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveSmallIntegerField(default=0, help_text="Sheets built so far.")
    total = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="evaluation/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Evaluation workbook ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:workbook", args=[self.pk])
