from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone

from enhance.core.forms import DateInput, choice_field
from enhance.curriculum.models import Domain, Theme
from enhance.placements.models import ClinicEntry, Placement
from enhance.portfolio.models import Assessment, AssessmentType, Reflection, RequirementSet, Rule
from enhance.programmes.access import scope_for
from enhance.programmes.forms import LearnerFilterForm
from enhance.teaching.models import Attendance, Session

LINKABLE_FOR = dt.timedelta(days=365)  # how far back a reflection's session can be chosen

# Free text on assessments is kept to a length an assessor writes and an email can carry.
TEXT_LIMIT = 5000


class ReflectionForm(forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(
        queryset=Domain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the few that fit best.",
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Reflection
        fields = [
            "title",
            "happened",
            "meaning",
            "next_steps",
            "session",
            "placement",
            "clinic",
            "domains",
            "themes",
            "visibility",
        ]
        widgets = {"visibility": forms.RadioSelect}
        labels = {
            "session": "Linked teaching session",
            "placement": "Linked placement",
            "clinic": "Linked clinic",
        }
        help_texts = {"session": "A session you attended in the last year."}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_id = scope_for(user).person_id or 0
        choice_field(self, "session").queryset = self._sessions(person_id)
        choice_field(self, "placement").queryset = Placement.objects.filter(
            membership__person_id=person_id
        ).select_related("opportunity")
        choice_field(self, "clinic").queryset = ClinicEntry.objects.filter(
            placement__membership__person_id=person_id
        ).select_related("clinic_type")

    def _sessions(self, person_id: int) -> Any:
        """Sessions the learner attended in the last year (and the one already linked): a
        learner's programme holds thousands of sessions, far too many to choose from."""
        since = timezone.now() - LINKABLE_FOR
        attended = Attendance.objects.filter(
            membership__person_id=person_id, status__in=Attendance.ATTENDED, session__starts_at__gte=since
        ).values("session_id")
        linked = Q(pk=self.instance.session_id) if self.instance.session_id else Q(pk__in=[])
        return Session.objects.filter(Q(pk__in=attended) | linked).order_by("-starts_at")


class CommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, label="Your comment")


class AssessmentRequestForm(forms.Form):
    setting = forms.ChoiceField(choices=Assessment.Setting.choices, widget=forms.RadioSelect, label="Setting")
    date = forms.DateField(widget=DateInput(), label="Date of the encounter")
    encounter = forms.CharField(widget=forms.Textarea, max_length=TEXT_LIMIT, label="What the assessor saw")
    assessor_email = forms.EmailField(
        label="Assessor's email address", help_text="They need no enhance account."
    )

    def __init__(self, *args: Any, kind: AssessmentType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for spec in kind.extra_fields:
            name = f"extra_{spec['name']}"
            if spec.get("choices"):
                self.fields[name] = forms.ChoiceField(
                    choices=[(c, c) for c in spec["choices"]], label=spec["label"], widget=forms.RadioSelect
                )
            else:
                self.fields[name] = forms.CharField(max_length=200, label=spec["label"])

    def details(self) -> dict[str, str]:
        return {k.removeprefix("extra_"): v for k, v in self.cleaned_data.items() if k.startswith("extra_")}

    def assessment(self) -> Assessment:
        """The requested assessment, unsaved, as the request service takes it."""
        data = self.cleaned_data
        return Assessment(
            type=self.kind,
            setting=data["setting"],
            date=data["date"],
            encounter=data["encounter"],
            assessor_email=data["assessor_email"],
            details=self.details(),
        )


class AssessorForm(forms.Form):
    judgement = forms.ChoiceField(
        choices=Assessment.Judgement.choices, widget=forms.RadioSelect, label="Overall judgement"
    )
    feedback = forms.CharField(widget=forms.Textarea, max_length=TEXT_LIMIT, label="Feedback for the learner")
    assessor_name = forms.CharField(max_length=200, label="Your name")
    assessor_role = forms.CharField(
        max_length=200, label="Your role", help_text="For example: consultant, GP, nurse consultant."
    )
    assessor_registration = forms.CharField(
        max_length=40,
        required=False,
        label="Your registration number (optional)",
        help_text="For example a GMC or NMC number.",
    )


class RequirementSetForm(forms.ModelForm):
    class Meta:
        model = RequirementSet
        fields = ["programme", "training_year", "name"]

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "programme").queryset = programmes


class RuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label="Rule")

    class Meta:
        model = Rule
        fields = ["kind", "target", "assessment_type"]
        labels = {"assessment_type": "Assessment type (for assessment rules)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from enhance.core.evidence import rule_kinds

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k.code, k.label) for k in rule_kinds()]


class EvidencePackForm(forms.Form):
    starts_on = forms.DateField(widget=DateInput(), label="From")
    ends_on = forms.DateField(widget=DateInput(), label="To")


RAGS = [
    ("", "Any status"),
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("none", "No requirements"),
]
ORDERS = [("", "Red first"), ("arcp", "Soonest ARCP first")]


class ReadinessFilterForm(LearnerFilterForm):
    """The learner filters, plus readiness status and the order of the list."""

    rag = forms.ChoiceField(label="Readiness", choices=RAGS, required=False)
    order = forms.ChoiceField(label="Order", choices=ORDERS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"]  # the list is of active learners

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
