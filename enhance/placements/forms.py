from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from enhance.accounts.models import User
from enhance.core.forms import DateInput, DateTimeInput, choice_field
from enhance.core.text import counted
from enhance.curriculum.models import Domain
from enhance.placements.access import opportunities_visible_to
from enhance.placements.models import AllocationRun, ClinicEntry, Opportunity, OpportunityType, PlacementBlock
from enhance.programmes.models import Membership, Site


class OpportunityForm(forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(
        queryset=Domain.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Opportunity
        fields = [
            "organisation",
            "type",
            "title",
            "site",
            "description",
            "days_and_sessions",
            "capacity",
            "requires_driver",
            "domains",
            "active",
        ]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").queryset = organisations
        choice_field(self, "type").queryset = OpportunityType.objects.all()
        choice_field(self, "site").queryset = Site.objects.filter(
            organisation__in=organisations
        ).select_related("organisation")
        if not self.instance.organisation_id and len(organisations) == 1:
            self.initial["organisation"] = organisations[0].pk
        self.fields["capacity"].widget.attrs.update({"min": "0", "max": "200"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        site, organisation = self.cleaned_data.get("site"), self.cleaned_data.get("organisation")
        if site and organisation and site.organisation_id != organisation.pk:
            self.add_error("site", "Choose a site of this organisation.")
        return self.cleaned_data


class BlockForm(forms.ModelForm):
    opportunities = forms.ModelMultipleChoiceField(
        queryset=Opportunity.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Opportunities offered",
    )

    class Meta:
        model = PlacementBlock
        fields = [
            "cohort",
            "name",
            "starts_on",
            "ends_on",
            "preferences_close_at",
            "choices",
            "opportunities",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "preferences_close_at": DateTimeInput()}
        help_texts = {"choices": "How many opportunities each learner ranks (5 by default)."}

    def __init__(self, *args: Any, user: User, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "cohort").queryset = cohorts.select_related("programme")
        self.fields["cohort"].label_from_instance = lambda c: f"{c.programme.name}: {c.name}"  # type: ignore[attr-defined]
        opportunities = opportunities_visible_to(user).filter(active=True).select_related("organisation")
        self.fields["opportunities"].queryset = opportunities  # type: ignore[attr-defined]
        self.fields["opportunities"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.title} ({o.organisation.name}, {o.capacity} places)"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        starts, ends = self.cleaned_data.get("starts_on"), self.cleaned_data.get("ends_on")
        closes = self.cleaned_data.get("preferences_close_at")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The block must end on or after its start.")
        if closes and closes < timezone.now():
            self.add_error("preferences_close_at", "The closing time for preferences must be in the future.")
        if closes and starts and timezone.localtime(closes).date() > starts:
            self.add_error("preferences_close_at", "Preferences must close before the block starts.")
        return self.cleaned_data


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        choices=AllocationRun.Mode.choices, initial=AllocationRun.Mode.BALANCED, widget=forms.RadioSelect
    )


class ClinicEntryForm(forms.ModelForm):
    class Meta:
        model = ClinicEntry
        fields = ["date", "clinic_type", "site", "supervisor", "notes"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "clinic_type").queryset = OpportunityType.objects.all()


class ClinicAnswerForm(forms.Form):
    """The learner's answer to a queried clinic, with any correction."""

    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Your answer", max_length=2000)
    date = forms.DateField(widget=DateInput, label="Date of the clinic")
    site = forms.CharField(max_length=200)
    supervisor = forms.CharField(max_length=200, label="Supervising clinician")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    @classmethod
    def for_entry(cls, entry: ClinicEntry) -> ClinicAnswerForm:
        initial = {
            "date": entry.date,
            "site": entry.site,
            "supervisor": entry.supervisor,
            "notes": entry.notes,
        }
        return cls(initial=initial, prefix=f"answer-{entry.pk}")

    def corrections(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "answer"}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("query", "Query")], required=False)
    query = forms.CharField(
        required=False, widget=forms.Textarea, label="Question for the learner (needed to query)"
    )


RANKING_NOT_SENT = "That button did not send a ranking. Try again."


class RankingForm(forms.Form):
    """One press of a ranking button (add:ID, up:ID, down:ID, remove:ID or save:0), with the
    interests and learning needs when the page sent them."""

    action = forms.RegexField(regex=r"^(add|remove|up|down|save):\d+$", required=False)
    interests = forms.CharField(required=False, max_length=2000)
    learning_needs = forms.CharField(required=False, max_length=2000)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "action": data["action"] or "save:0",
            "interests": data["interests"] if "interests" in self.data else None,
            "learning_needs": data["learning_needs"] if "learning_needs" in self.data else None,
        }


class ConstraintForm(forms.Form):
    """Pin or forbid a learner and an opportunity for the next runs, or clear it."""

    membership = forms.IntegerField(min_value=1)
    opportunity = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=[("pin", "Pin"), ("forbid", "Forbid"), ("clear", "Clear")])
    next = forms.CharField(required=False)

    def back_to_run(self) -> str:
        back = self.cleaned_data.get("next") or ""
        return back if back.startswith("/placements/runs/") else ""


class CompareForm(forms.Form):
    a = forms.IntegerField(min_value=1)
    b = forms.IntegerField(min_value=1)


CHOOSE_OPPORTUNITY = "Choose the opportunity."
CHOOSE_OTHER = "Choose the learner to swap with."


class PlacementChangeForm(forms.Form):
    """A lead's change to one learner's placement after publication."""

    action = forms.ChoiceField(widget=forms.RadioSelect, label="What to do")
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.none(),
        required=False,
        label="Opportunity to place in or move to",
        help_text="Needed to place or move.",
    )
    other = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label="Learner to swap with",
        help_text="Needed to swap.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Reason")

    def __init__(self, *args: Any, room: list[tuple[Opportunity, int]], others: Any, placed: bool, **kw: Any):
        super().__init__(*args, **kw)
        actions = [("move", "Move to another opportunity"), ("swap", "Swap with another learner")]
        actions += [("withdraw", "Withdraw the placement")]
        self.fields["action"].choices = actions if placed else [("place", "Place in an opportunity")]  # type: ignore[attr-defined]
        self.fields["action"].initial = "move" if placed else "place"
        left = {o.pk: n for o, n in room}
        choice_field(self, "opportunity").queryset = Opportunity.objects.filter(pk__in=left).order_by("title")
        self.fields["opportunity"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.title} ({counted(left.get(o.pk, 0), 'place')} left)"
        )
        choice_field(self, "other").queryset = others
        self.fields["other"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.person.full_name} ({m.block_placement})"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        action = self.cleaned_data.get("action")
        if action in ("place", "move") and not self.cleaned_data.get("opportunity"):
            self.add_error("opportunity", CHOOSE_OPPORTUNITY)
        if action == "swap" and not self.cleaned_data.get("other"):
            self.add_error("other", CHOOSE_OTHER)
        return self.cleaned_data
