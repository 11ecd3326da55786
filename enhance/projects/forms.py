from __future__ import annotations

from typing import Any

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


class LearnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class CoLearnerForm(forms.Form):
    member = LearnerChoiceField(
        queryset=Membership.objects.none(), label="Add a co-learner", empty_label=None
    )

    def __init__(self, *args: Any, mates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "member").queryset = mates


class HandoverForm(forms.Form):
    to = LearnerChoiceField(queryset=Membership.objects.none(), label="Hand the project to", empty_label=None)

    def __init__(self, *args: Any, mates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "to").queryset = mates


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class SupervisorForm(forms.Form):
    supervisor = PersonChoiceField(queryset=User.objects.none(), label="Project supervisor", empty_label=None)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "supervisor").queryset = candidates
