from __future__ import annotations

from typing import Any

from django import forms

from enhance.accounts.models import User
from enhance.core.forms import DateInput, VersionedForm, choice_field
from enhance.programmes.access import localities_manageable_by, programmes_manageable_by
from enhance.programmes.models import (
    ROLE_SCOPE_FIELD,
    Announcement,
    Cohort,
    Grade,
    Locality,
    Membership,
    Organisation,
    Person,
    Profession,
    Programme,
    RegistrationBody,
    Role,
    Site,
)
from enhance.programmes.services import PROGRAMME_SETTINGS


class InProgrammeChoiceField(forms.ModelChoiceField):
    """Choices of cohorts or localities, labelled with their programme."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name}: {obj.name}"


class PersonForm(VersionedForm):
    class Meta:
        model = Person
        fields = [
            "forename",
            "surname",
            "preferred_name",
            "email",
            "profession",
            "registration_body",
            "registration_number",
        ]
        help_texts = {
            "preferred_name": "Optional. Used instead of the forename on screens and emails.",
            "registration_number": "For example a 7-digit GMC number, or an NMC PIN.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "profession").queryset = Profession.objects.all()
        choice_field(self, "registration_body").queryset = RegistrationBody.objects.all()


class MembershipForm(VersionedForm):
    grade = forms.ModelChoiceField(queryset=Grade.objects.all(), required=False, label="Training grade")
    grade_from = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Grade held from",
        help_text="Leave empty to use the start date.",
    )

    class Meta:
        model = Membership
        fields = [
            "programme",
            "cohort",
            "locality",
            "employing_organisation",
            "starts_on",
            "ends_on",
            "wte",
            "status",
            "holds_driving_licence",
            "business_insurance_expires_on",
            "assignment_number",
            "cost_centre",
            "arcp_date",
        ]
        field_classes = {"cohort": InProgrammeChoiceField, "locality": InProgrammeChoiceField}
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "business_insurance_expires_on": DateInput(),
            "arcp_date": DateInput(),
        }
        help_texts = {
            "business_insurance_expires_on": "Needed to claim mileage for using your own car.",
            "locality": "Optional for programmes without localities.",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = programmes_manageable_by(user).select_related("region")
        choice_field(self, "programme").queryset = programmes
        cohort_field = choice_field(self, "cohort")
        cohort_field.queryset = Cohort.objects.filter(programme__in=programmes).select_related("programme")
        locality_field = choice_field(self, "locality")
        locality_field.queryset = localities_manageable_by(user).select_related("programme")
        choice_field(self, "employing_organisation").queryset = Organisation.objects.filter(
            kind__in=[
                Organisation.Kind.ACUTE_TRUST,
                Organisation.Kind.COMMUNITY_PROVIDER,
                Organisation.Kind.GP_PRACTICE,
                Organisation.Kind.LOCAL_AUTHORITY,
            ]
        )
        self.fields["wte"].widget.attrs.update({"step": "0.05", "min": "0.1", "max": "1"})
        if self.instance.pk:
            # The programme of an existing membership does not change: add a new membership instead.
            self.fields["programme"].disabled = True
            choice_field(self, "programme").queryset = Programme.objects.filter(pk=self.instance.programme_id)
        else:
            self.fields.pop("status")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        programme = data.get("programme")
        cohort = data.get("cohort")
        locality = data.get("locality")
        if programme and cohort and cohort.programme_id != programme.id:
            self.add_error("cohort", "Choose a cohort of the selected programme.")
        if programme and locality and locality.programme_id != programme.id:
            self.add_error("locality", "Choose a locality of the selected programme.")
        starts_on = data.get("starts_on")
        grade_from = data.get("grade_from")
        if grade_from and starts_on and grade_from < starts_on:
            self.add_error("grade_from", "A grade cannot start before the membership does.")
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the membership services take it."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("grade_from", "version")}
        data["grade_starts_on"] = self.cleaned_data.get("grade_from")
        if self.instance.pk:
            data.pop("programme", None)
            data["expected_version"] = self.cleaned_data.get("version")
        return data


class LearnerFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name, email or registration number")
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False)
    locality = InProgrammeChoiceField(queryset=Locality.objects.none(), required=False)
    cohort = InProgrammeChoiceField(queryset=Cohort.objects.none(), required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Membership.Status.choices], required=False)
    profession = forms.ModelChoiceField(
        queryset=Profession.objects.all(), required=False, empty_label="Any profession"
    )
    grade = forms.ModelChoiceField(
        queryset=Grade.objects.all(), required=False, empty_label="Any grade", label="Current grade"
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "programme").queryset = programmes
        choice_field(self, "programme").empty_label = "All programmes"
        loc = choice_field(self, "locality")
        loc.queryset = Locality.objects.filter(programme__in=programmes).select_related("programme")
        loc.empty_label = "All localities"
        coh = choice_field(self, "cohort")
        coh.queryset = Cohort.objects.filter(programme__in=programmes).select_related("programme")
        coh.empty_label = "All cohorts"


FILE_REQUIRED = "Select a CSV or Excel file to import."
FILE_EMPTY = "The selected file is empty."
FILE_TOO_BIG = "The selected file must be smaller than 2 MB."


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet of recruited trainees",
        help_text="A CSV or Excel (.xlsx) file, up to 2 MB, with a header row.",
        error_messages={
            "required": FILE_REQUIRED,
            "empty": FILE_EMPTY,
        },
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(FILE_EMPTY)
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(FILE_TOO_BIG)
        return upload


class AnnouncementForm(forms.ModelForm):
    """A message to learners: who it goes to, then what it says."""

    class Meta:
        model = Announcement
        fields = ["programme", "cohort", "locality", "title", "body"]
        field_classes = {"cohort": InProgrammeChoiceField, "locality": InProgrammeChoiceField}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = programmes_manageable_by(user)
        choice_field(self, "programme").queryset = programmes
        cohorts = choice_field(self, "cohort")
        cohorts.queryset = Cohort.objects.filter(programme__in=programmes).select_related("programme")
        cohorts.empty_label = "Every cohort"
        localities = choice_field(self, "locality")
        localities.queryset = localities_manageable_by(user).select_related("programme")
        localities.empty_label = "Every locality"

    def audience(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in ("programme", "cohort", "locality")}


class MyDetailsForm(forms.Form):
    """A learner's own details (see programmes.self_service for the rules)."""

    preferred_name = forms.CharField(max_length=100, required=False, label="Preferred name")
    pronouns = forms.CharField(
        max_length=40, required=False, help_text="For example she/her, he/him, they/them."
    )
    phone = forms.CharField(max_length=30, required=False, label="Phone number")
    adjustments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="Reasonable adjustments to share with my leads",
    )
    holds_driving_licence = forms.BooleanField(required=False, label="I hold a full driving licence")
    licence_checked_on = forms.DateField(required=False, widget=DateInput, label="Licence last checked")
    business_insurance_expires_on = forms.DateField(
        required=False, widget=DateInput, label="Business-use car insurance expires on"
    )
    insurance_certificate = forms.FileField(
        required=False, label="Insurance certificate", help_text="A PDF, JPEG or PNG file, up to 5 MB."
    )

    @classmethod
    def initial_for(cls, membership: Membership) -> dict[str, Any]:
        person = membership.person
        return {
            "preferred_name": person.preferred_name,
            "pronouns": person.pronouns,
            "phone": person.phone,
            "adjustments": person.adjustments,
            "holds_driving_licence": membership.holds_driving_licence,
            "licence_checked_on": membership.licence_checked_on,
            "business_insurance_expires_on": membership.business_insurance_expires_on,
        }

    def fields_to_save(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "insurance_certificate"}


class ProgrammeSettingsForm(forms.ModelForm):
    """The rules a programme team sets for itself."""

    class Meta:
        model = Programme
        fields = list(PROGRAMME_SETTINGS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "assessor_email_domains": forms.Textarea(attrs={"rows": 3}),
        }


class LocalityForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name of the new locality")


class CohortForm(forms.Form):
    intake_date = forms.DateField(widget=DateInput, label="Intake date")
    name = forms.CharField(
        max_length=100, required=False, label="Name", help_text='Leave empty for "<month> <year> intake".'
    )


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "postcode", "public_transport"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "public_transport": forms.Textarea(attrs={"rows": 2}),
        }


STAFF_ROLES = [
    (Role.FACULTY.value, Role.FACULTY.label),
    (Role.SUPERVISOR.value, "Supervisor of a learner"),
    (Role.LOCALITY_LEAD.value, Role.LOCALITY_LEAD.label),
    (Role.COMMUNITY_LEAD.value, "Community lead of an organisation"),
    (Role.PARTNER_CONTACT.value, "Partner contact of an organisation"),
    (Role.FINANCE_OFFICER.value, "Finance officer of an employing Trust"),
    (Role.PROGRAMME_LEAD.value, Role.PROGRAMME_LEAD.label),
    (Role.REGIONAL_LEAD.value, "Regional lead of this programme's region"),
    (Role.NATIONAL_ADMIN.value, "National admin of the whole service"),
]
CHOOSE_SCOPE = "Choose the {field} for this role."
NO_SUCH_LEARNER = "No learner in {programme} has the email address {email}."
NOT_NEEDED = "Not needed for this role"


class StaffForm(forms.Form):
    """Appoint someone (by email) to a role in this programme."""

    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(
        max_length=150, required=False, label="Full name", help_text="Needed for someone new."
    )
    role = forms.ChoiceField(choices=STAFF_ROLES)
    locality = forms.ModelChoiceField(
        queryset=Locality.objects.none(), required=False, empty_label="Not needed"
    )
    learner = forms.EmailField(
        required=False,
        label="Learner's email address",
        help_text="For a supervisor of a learner: the learner they supervise.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="Not needed"
    )
    ends_on = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Ends on",
        help_text="Leave empty if the role has no end date.",
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        choice_field(self, "locality").queryset = programme.localities.all()
        choice_field(self, "organisation").queryset = Organisation.objects.filter(region=programme.region_id)

    def clean_learner(self) -> Person | None:
        """The learner of this programme with that email (one field, not a list of thousands)."""
        email = self.cleaned_data.get("learner")
        if not email:
            return None
        learner = Person.objects.filter(
            email__iexact=email,
            memberships__programme=self.programme,
            memberships__status=Membership.Status.ACTIVE,
        ).first()
        if learner is None:
            raise forms.ValidationError(NO_SUCH_LEARNER.format(email=email, programme=self.programme))
        return learner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ROLE_SCOPE_FIELD.get(data.get("role", ""))
        if needed in ("locality", "learner", "organisation") and not data.get(needed):
            self.add_error(needed, CHOOSE_SCOPE.format(field=needed))
        return data

    def grant(self) -> dict[str, Any]:
        """What role_grant takes: the person, the role and its one scope."""
        data = self.cleaned_data
        field = ROLE_SCOPE_FIELD[data["role"]]
        own = {"programme": self.programme, "region": self.programme.region}
        scope = {} if field is None else {field: own[field]} if field in own else {field: data[field]}
        person = {"email": data["email"], "full_name": data["full_name"], "ends_on": data["ends_on"]}
        return {**person, "role": data["role"], **scope}


class StaffFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search by name or email")
    role = forms.ChoiceField(required=False, choices=[("", "Any role"), *STAFF_ROLES], label="Show only")

    def filters(self) -> dict[str, str]:
        return self.cleaned_data if self.is_valid() else {}
