from __future__ import annotations

from typing import Any, cast

from django import forms

from enhance.accounts.models import User
from enhance.core.forms import DateInput, choice_field
from enhance.programmes.forms import InProgrammeChoiceField
from enhance.programmes.models import Membership, Organisation
from enhance.projects.models import Output, PairingRound, Partner, Population, Project

CHOICES = 3


class PartnerForm(forms.ModelForm):
    populations = forms.ModelMultipleChoiceField(
        queryset=Population.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who they work with",
    )

    class Meta:
        model = Partner
        fields = [
            "organisation",
            "summary",
            "populations",
            "location",
            "travel_notes",
            "learners_per_year",
            "safeguarding_notes",
            "induction_notes",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.VOLUNTARY, Organisation.Kind.LOCAL_AUTHORITY]
        )


class RoundForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.none(), widget=forms.CheckboxSelectMultiple, label="Partners offered"
    )

    class Meta:
        model = PairingRound
        fields = ["cohort", "name", "partners"]
        field_classes = {"cohort": InProgrammeChoiceField}

    def __init__(self, *args: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "cohort").queryset = cohorts.select_related("programme")
        self.fields["partners"].queryset = Partner.objects.filter(active=True).select_related(  # type: ignore[attr-defined]
            "organisation"
        )


class RankForm(forms.Form):
    interest = forms.CharField(widget=forms.Textarea, required=False, label="What interests you (optional)")

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordinal = ["First", "Second", "Third"]
        for n in range(CHOICES):
            self.fields[f"choice_{n}"] = forms.ModelChoiceField(
                queryset=partners,
                required=n == 0,
                label=f"{ordinal[n]} choice",
                empty_label="No choice" if n else None,
            )

    def ranked(self) -> list[int]:
        return [p.pk for n in range(CHOICES) if (p := self.cleaned_data.get(f"choice_{n}"))]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "partner", "area", "problem"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "partner").queryset = Partner.objects.filter(active=True).select_related(
            "organisation"
        )


class ProjectUpdateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["stage", "area", "problem", "recommendation"]


class MeetingForm(forms.Form):
    date = forms.DateField(widget=DateInput(), label="Date of the meeting")
    notes = forms.CharField(widget=forms.Textarea, label="What was discussed")


class OutputForm(forms.ModelForm):
    class Meta:
        model = Output
        fields = ["kind", "title", "venue", "date", "status", "doi", "pmid", "evidence"]
        widgets = {"date": DateInput()}
        help_texts = {
            "doi": "For example 10.1136/bmj.n71",
            "pmid": "Up to 8 digits",
            "evidence": "The abstract, poster or paper: a PDF or an image, up to 10 MB.",
        }


class PairingForm(forms.Form):
    """A lead changes one learner's partner (or leaves them unpaired); after confirmation,
    with a reason."""

    membership = forms.ModelChoiceField(queryset=Membership.objects.none())
    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), required=False)
    reason = forms.CharField(
        required=False, max_length=2000, help_text="Needed once the pairs are confirmed."
    )

    def __init__(self, *args: Any, pairing_round: PairingRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "membership").queryset = Membership.objects.filter(cohort=pairing_round.cohort)
        choice_field(self, "partner").queryset = pairing_round.partners.all()


DAY_DATE_NEEDED = "Enter the date of the day."


class DayPlanForm(forms.Form):
    pairing = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    date = forms.DateField(widget=DateInput(), label="Plan an immersive day")


class ObservationsForm(forms.Form):
    observations = forms.CharField(
        widget=forms.Textarea, required=False, max_length=10_000, label="What I observed"
    )


NOT_A_COHORT_MATE = "No learner in this project's cohort has that email address."


class CohortMateField(forms.EmailField):
    """A learner of the project's cohort, named by their email address (a cohort can hold
    thousands of learners, too many to list)."""

    def __init__(self, *, label: str) -> None:
        super().__init__(label=label, help_text="Their email address.", max_length=254)
        self.mates: Any = Membership.objects.none()

    def clean(self, value: Any) -> Membership:
        email = super().clean(value)
        found = self.mates.filter(person__email__iexact=email).first()
        if found is None:
            raise forms.ValidationError(NOT_A_COHORT_MATE)
        return found  # type: ignore[no-any-return]


class CoLearnerForm(forms.Form):
    member = CohortMateField(label="Add a co-learner")

    def __init__(self, *args: Any, mates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CohortMateField, self.fields["member"]).mates = mates


class HandoverForm(forms.Form):
    to = CohortMateField(label="Hand the project to")

    def __init__(self, *args: Any, mates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CohortMateField, self.fields["to"]).mates = mates


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class SupervisorForm(forms.Form):
    supervisor = PersonChoiceField(queryset=User.objects.none(), label="Project supervisor", empty_label=None)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "supervisor").queryset = candidates


PARTNER_LISTS = {"learners": "Learners", "days": "Immersive days", "projects": "Projects"}


class PartnerViewForm(forms.Form):
    """Which of a partner contact's lists to show, and a name or title to look for."""

    show = forms.ChoiceField(choices=list(PARTNER_LISTS.items()), required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="Learner's name or project title (optional)", required=False, max_length=100)

    def choice(self) -> tuple[str, str]:
        """The list to show (learners unless a valid one was asked for) and the text to look for."""
        if not self.is_valid():
            return "learners", ""
        return self.cleaned_data["show"] or "learners", self.cleaned_data["q"].strip()
