"""Creating and editing learners and memberships: validation, scope, history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enhance.programmes.models import Grade, Membership, Person, RegistrationBody, Role, RoleAssignment
from enhance.programmes.services import membership_update, role_assign


def learner_post(world, **overrides):
    data = {
        "person-forename": "Grace",
        "person-surname": "Hopper",
        "person-email": "grace.hopper@example.org",
        "person-registration_body": RegistrationBody.objects.get(code="GMC").pk,
        "person-registration_number": "7012345",
        "membership-programme": world.programme.pk,
        "membership-cohort": world.cohort.pk,
        "membership-locality": world.locality.pk,
        "membership-employing_organisation": world.trust.pk,
        "membership-starts_on": "2026-08-05",
        "membership-wte": "0.8",
        "membership-grade": Grade.objects.get(code="IMY1").pk,
        "membership-holds_driving_licence": "on",
    }
    data.update(overrides)
    return data


def test_lead_adds_a_learner_with_membership_and_grade(client, world):
    client.force_login(world["programme_lead"])
    response = client.post(reverse("programmes:learner_create"), learner_post(world))
    person = Person.objects.get(email="grace.hopper@example.org")
    assert response["Location"] == reverse("learner", args=[person.pk])
    membership = person.memberships.get()
    assert membership.locality == world.locality
    assert str(membership.wte) == "0.80"
    assert membership.holds_driving_licence
    assert membership.grade_periods.get().grade.code == "IMY1"
    assert person.user.email == "grace.hopper@example.org"
    page = client.get(response["Location"]).content.decode()
    assert "Personal details created" in page and "Membership created" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person-registration_number", "12345", "Enter a GMC number in the right format, like 1234567."),
        ("person-email", "not-an-email", "Enter a valid email address."),
        ("person-email", "learner@example.org", "Person with this Email already exists."),
        ("membership-wte", "1.5", "Ensure this value is less than or equal to 1.00."),
        ("membership-wte", "0", "Ensure this value is greater than or equal to 0.10."),
        ("membership-starts_on", "31/02/2026", "Enter a valid date."),
        ("person-forename", "", "This field is required."),
    ],
)
def test_bad_input_shows_a_message_by_the_field_and_saves_nothing(client, world, field, value, message):
    client.force_login(world["programme_lead"])
    before = (Person.objects.count(), Membership.objects.count())
    response = client.post(reverse("programmes:learner_create"), learner_post(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert (Person.objects.count(), Membership.objects.count()) == before


def test_nmc_pin_is_checked_against_its_own_format(client, world):
    client.force_login(world["programme_lead"])
    nmc = RegistrationBody.objects.get(code="NMC").pk
    bad = learner_post(world, **{"person-registration_body": nmc, "person-registration_number": "7012345"})
    assert "like 12A3456E" in client.post(reverse("programmes:learner_create"), bad).content.decode()
    good = learner_post(world, **{"person-registration_body": nmc, "person-registration_number": "12a3456e"})
    client.post(reverse("programmes:learner_create"), good)
    assert Person.objects.get(email="grace.hopper@example.org").registration_number == "12A3456E"


def test_cohort_of_another_programme_is_refused(client, world):
    client.force_login(world["national_admin"])
    other_cohort = world.other_programme.cohorts.get()
    response = client.post(
        reverse("programmes:learner_create"), learner_post(world, **{"membership-cohort": other_cohort.pk})
    )
    assert "Choose a cohort of the selected programme." in response.content.decode()


def test_locality_lead_cannot_add_a_learner_to_another_locality(client, world):
    client.force_login(world["locality_lead"])
    post = learner_post(world, **{"membership-locality": world.other_locality.pk})
    response = client.post(reverse("programmes:learner_create"), post)
    assert "Select a valid choice" in response.content.decode()
    assert not Person.objects.filter(email="grace.hopper@example.org").exists()


def test_second_membership_of_the_same_programme_is_refused(client, world):
    client.force_login(world["programme_lead"])
    person = world.learner_membership.person
    post = {
        k.replace("membership-", "membership-"): v
        for k, v in learner_post(world).items()
        if k.startswith("membership-")
    }
    response = client.post(reverse("programmes:membership_create", args=[person.pk]), post)
    assert "is already a member of Midlands IMT" in response.content.decode()


def test_editing_a_membership_records_who_changed_what(client, world):
    client.force_login(world["programme_lead"])
    m = world.learner_membership
    post = {
        "membership-cohort": m.cohort_id,
        "membership-locality": m.locality_id,
        "membership-employing_organisation": world.trust.pk,
        "membership-starts_on": "2026-08-05",
        "membership-wte": "0.6",
        "membership-status": "paused",
        "membership-grade": Grade.objects.get(code="IMY2").pk,
        "membership-grade_from": "2027-08-04",
    }
    response = client.post(reverse("programmes:membership_edit", args=[m.pk]), post)
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.status, str(m.wte)) == ("paused", "0.60")
    assert m.grade_periods.count() == 2
    history = m.history.first()
    assert history.history_user == world["programme_lead"]
    page = client.get(reverse("learner", args=[m.person_id])).content.decode()
    assert "Membership changed: whole-time equivalent, status<" in page


def test_end_date_before_start_is_refused(client, world):
    client.force_login(world["programme_lead"])
    m = world.learner_membership
    post = {
        "membership-cohort": m.cohort_id,
        "membership-starts_on": "2026-08-05",
        "membership-ends_on": "2026-01-01",
        "membership-wte": "1",
        "membership-status": "active",
    }
    response = client.post(reverse("programmes:membership_edit", args=[m.pk]), post)
    assert "The end date must be on or after the start date." in response.content.decode()


def test_membership_update_refuses_a_lead_from_another_locality(world):
    with pytest.raises(PermissionDenied):
        membership_update(actor=world["locality_lead"], membership=world.second_membership, status="paused")


def test_roles_need_the_right_scope(world):
    admin = world["national_admin"]
    with pytest.raises(ValidationError) as err:
        role_assign(actor=admin, user=world["outsider"], role=Role.LOCALITY_LEAD, programme=world.programme)
    assert "A locality lead needs a locality." in str(err.value)
    role_assign(actor=admin, user=world["outsider"], role=Role.LOCALITY_LEAD, locality=world.other_locality)
    assert RoleAssignment.objects.filter(user=world["outsider"], locality=world.other_locality).exists()


def test_only_a_national_admin_assigns_roles(world):
    with pytest.raises(PermissionDenied):
        role_assign(actor=world["programme_lead"], user=world["outsider"], role=Role.NATIONAL_ADMIN)


def test_learner_list_searches_and_filters(client, world):
    client.force_login(world["programme_lead"])
    url = reverse("programmes:learner_list")
    page = client.get(url, {"q": "asha"}).content.decode()
    assert "Learner, Asha" in page and "Second, Ben" not in page
    page = client.get(url, {"locality": world.other_locality.pk}).content.decode()
    assert "Second, Ben" in page and "Learner, Asha" not in page
    page = client.get(url, {"status": "withdrawn"}).content.decode()
    assert "No learners match." in page


def test_a_stale_edit_is_refused_instead_of_undoing_someone_elses_change(client, world):
    m = world.learner_membership
    form_version = m.version
    # Another lead pauses the learner after this lead opened the form.
    membership_update(actor=world["regional_lead"], membership=m, status="paused")
    client.force_login(world["programme_lead"])
    post = {
        "membership-version": form_version,
        "membership-cohort": m.cohort_id,
        "membership-locality": m.locality_id,
        "membership-starts_on": "2026-08-05",
        "membership-wte": "0.6",
        "membership-status": "active",
    }
    response = client.post(reverse("programmes:membership_edit", args=[m.pk]), post)
    assert "Someone else changed this record while you were editing it." in response.content.decode()
    m.refresh_from_db()
    assert (m.status, str(m.wte)) == ("paused", "1.00")
    # The form now carries the new version, so saving again works.
    post["membership-version"] = m.version
    assert client.post(reverse("programmes:membership_edit", args=[m.pk]), post).status_code == 302


def test_person_edit_saves_and_refuses_stale_versions(client, world):
    person = world.learner_membership.person
    client.force_login(world["programme_lead"])
    post = {
        "person-version": person.version,
        "person-forename": "Asha",
        "person-surname": "Learner",
        "person-preferred_name": "Ash",
        "person-email": "asha.new@example.org",
    }
    assert client.post(reverse("programmes:person_edit", args=[person.pk]), post).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Ash Learner"
    assert person.user.email == "asha.new@example.org", "the sign-in email follows the record"
    response = client.post(reverse("programmes:person_edit", args=[person.pk]), post)
    assert "Someone else changed this record" in response.content.decode()
