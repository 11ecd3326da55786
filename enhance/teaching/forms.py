from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from enhance.accounts.models import User
from enhance.core.forms import DateInput, DateTimeInput, choice_field
from enhance.curriculum.models import Domain, Theme
from enhance.programmes.access import programmes_run_by, scope_for
from enhance.programmes.forms import LearnerFilterForm
from enhance.programmes.models import Cohort, Locality, Programme, Site
from enhance.teaching.access import may_add_session
from enhance.teaching.models import Attendance, Session, Topic

FOR_YOUR_LOCALITY = "Choose your locality: you add sessions for your own locality only."


class InProgrammeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name}: {obj.name}"


class SessionForm(forms.ModelForm):
    online_link = forms.URLField(
        assume_scheme="https",
        required=False,
        label="Online link",
        help_text="Shown only to the learners expected.",
    )
    repeat = forms.ChoiceField(
        choices=[("none", "Does not repeat"), ("weekly", "Every week"), ("monthly", "Every month")],
        initial="none",
        required=False,
        label="Repeat",
    )
    count = forms.IntegerField(
        min_value=1, max_value=52, initial=1, required=False, label="How many sessions in the series"
    )

    class Meta:
        model = Session
        fields = [
            "programme",
            "title",
            "topic",
            "mode",
            "venue",
            "online_link",
            "starts_at",
            "ends_at",
            "cohorts",
            "localities",
            "facilitators",
            "domains",
            "themes",
            "materials",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "domains": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "cohorts": forms.CheckboxSelectMultiple,
            "localities": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "cohorts": InProgrammeMultipleChoiceField,
            "localities": InProgrammeMultipleChoiceField,
        }
        labels = {"starts_at": "Starts", "ends_at": "Ends"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = scope_for(user).localities
        programmes = Programme.objects.filter(
            Q(pk__in=programmes_run_by(user).values("pk")) | Q(localities__in=mine)
        ).distinct()
        choice_field(self, "programme").queryset = programmes
        choice_field(self, "topic").queryset = Topic.objects.all()
        choice_field(self, "venue").queryset = Site.objects.select_related("organisation")
        self.fields["cohorts"].queryset = Cohort.objects.filter(programme__in=programmes).select_related(  # type: ignore[attr-defined]
            "programme"
        )
        self.fields["localities"].queryset = Locality.objects.filter(  # type: ignore[attr-defined]
            Q(programme__in=programmes_run_by(user)) | Q(pk__in=mine)
        ).select_related("programme")
        self.user = user
        self.fields["facilitators"].queryset = User.objects.filter(roles__isnull=False).distinct()  # type: ignore[attr-defined]
        self.fields["domains"].queryset = Domain.objects.all()  # type: ignore[attr-defined]
        self.fields["themes"].queryset = Theme.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["repeat"], self.fields["count"]
            self.fields["programme"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # When, where and how a session runs is checked by Session.clean(), for every caller.
        programme = self.instance.programme if self.instance.pk else data.get("programme")
        for name in ("cohorts", "localities"):
            if programme and any(x.programme_id != programme.pk for x in data.get(name) or []):
                self.add_error(name, "Choose only from the session's programme.")
        if programme and not may_add_session(self.user, programme.pk, list(data.get("localities") or [])):
            self.add_error("localities", FOR_YOUR_LOCALITY)
        if data.get("repeat", "none") != "none" and not data.get("count"):
            self.add_error("count", "Say how many sessions the series has.")
        return data

    def m2m(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name) or []
            for name in ("cohorts", "localities", "facilitators", "domains", "themes")
        }

    def series(self) -> dict[str, Any]:
        """A new session (or series) as session_series_create takes it."""
        return {
            "session": self.save(commit=False),
            "m2m": self.m2m(),
            "repeat": self.cleaned_data.get("repeat") or "none",
            "count": self.cleaned_data.get("count") or 1,
        }

    def changes(self) -> dict[str, Any]:
        """The changed session fields as session_update takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}


EDITABLE_FIELDS = ("title", "topic", "mode", "venue", "online_link", "starts_at", "ends_at", "materials")


class CheckInForm(forms.Form):
    code = forms.CharField(max_length=40, label="Code shown on the screen")


STATUS_CHOICES = [(s.value, s.label) for s in Attendance.Status if s != Attendance.Status.NOT_RECORDED]


RATING_NEEDED = "Choose a rating from 1 to 5."


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[(n, f"{n}{' (poor)' if n == 1 else ' (excellent)' if n == 5 else ''}") for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label="Overall, how useful was the session?",
    )
    worked = forms.CharField(widget=forms.Textarea, required=False, label="What worked")
    change = forms.CharField(widget=forms.Textarea, required=False, label="What would you change")


class LeaveForm(forms.Form):
    starts_on = forms.DateField(widget=DateInput(), label="First day")
    ends_on = forms.DateField(widget=DateInput(), label="Last day")
    part = forms.ChoiceField(
        choices=[("full", "Full days"), ("am", "Morning only"), ("pm", "Afternoon only")],
        initial="full",
        label="Full or half day",
    )
    reason = forms.CharField(max_length=300, label="Reason")
    session = forms.ModelChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label="Enhance session",
        help_text="Choose the session if the leave is for enhance teaching: it uses your enhance days.",
    )
    external_course = forms.CharField(max_length=200, required=False, label="External course (optional)")
    estimated_cost = forms.DecimalField(
        min_value=0,
        max_value=10000,
        decimal_places=2,
        required=False,
        label="Estimated cost in pounds (optional)",
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "session").queryset = sessions

    def service_fields(self) -> dict[str, Any]:
        """The request as leave_request_submit takes it (the cost in whole pence)."""
        data = dict(self.cleaned_data)
        data["estimated_cost_pence"] = int((data.pop("estimated_cost") or 0) * 100)
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")], required=False)
    comment = forms.CharField(widget=forms.Textarea, required=False, label="Comment (needed to refuse)")

    @property
    def approve(self) -> bool:
        return self.is_valid() and self.cleaned_data["decision"] == "approve"


class SessionScopeForm(forms.Form):
    """When a session of a series is edited: this one only, or this and the later ones."""

    scope = forms.ChoiceField(
        choices=[("one", "This session only"), ("series", "This and later sessions of the series")],
        initial="one",
        widget=forms.RadioSelect,
        label="Apply the change to",
    )

    def whole_series(self) -> bool:
        return self.is_valid() and self.cleaned_data["scope"] == "series"


class ApologiesForm(forms.Form):
    note = forms.CharField(max_length=200, required=False, label="Reason")


class MaterialForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        label="Title",
        error_messages={"max_length": "Keep the title to 200 characters or fewer."},
    )
    file = forms.FileField(
        label="File",
        help_text="PDF, Word, PowerPoint, Excel or an image, up to 20 MB.",
        error_messages={"required": "Choose a file to upload."},
    )

    def upload(self) -> dict[str, Any]:
        return {"title": self.cleaned_data["title"], "upload": self.cleaned_data["file"]}


STATUS_NEEDED = "Choose a status from the list for each learner."


class RegisterForm(forms.Form):
    """The register: one optional status per expected learner, and one status for everyone
    not yet marked (check-ins and apologies stay as they are)."""

    all = forms.ChoiceField(
        choices=[("", "Leave unmarked"), ("present", "Present"), ("absent", "Absent")], required=False
    )

    def __init__(self, *args: Any, rows: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for membership, _ in rows:
            self.fields[f"status-{membership.pk}"] = forms.ChoiceField(
                choices=[("", "Unchanged"), *STATUS_CHOICES], required=False
            )

    def statuses(self) -> dict[int, str]:
        """The statuses chosen for the learners on this page of the register."""
        chosen = {m.pk: self.cleaned_data.get(f"status-{m.pk}") or "" for m, _ in self.rows}
        return {pk: status for pk, status in chosen.items() if status}

    def rest(self) -> str:
        """The status for everyone not yet marked, on every page."""
        return self.cleaned_data.get("all") or ""


STANDINGS = [
    ("", "Any standing"),
    ("out_of_reach", "Out of reach"),
    ("below", "Below the threshold"),
    ("on_track", "On track"),
]


class AttendanceFilterForm(LearnerFilterForm):
    """The learner filters, plus where each learner stands against the threshold."""

    standing = forms.ChoiceField(choices=STANDINGS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"]  # the list is of active learners

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
