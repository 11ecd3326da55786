"""Appointing staff in the app: within the granter's own scope only, by invitation when new."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from enhance.accounts.models import User
from enhance.notifications.models import Notification
from enhance.programmes import roles
from enhance.programmes.models import Organisation, Region, Role, RoleAssignment
from tests.factories import LocalityFactory, OrganisationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def scopes(world):
    """One scope inside the Midlands programme and one outside it, for every role."""
    london = Region.objects.get(code="london")
    far_org = OrganisationFactory(name="Far Trust", region=london)
    world.community_org.region = world.programme.region
    world.community_org.save()
    return {
        Role.FACULTY: ({"programme": world.programme}, {"programme": world.other_programme}),
        Role.LOCALITY_LEAD: (
            {"locality": world.locality},
            {"locality": LocalityFactory(programme=world.other_programme)},
        ),
        Role.SUPERVISOR: (
            {"learner": world.learner_membership.person},
            {"learner": world.far_membership.person},
        ),
        Role.COMMUNITY_LEAD: ({"organisation": world.community_org}, {"organisation": far_org}),
        Role.FINANCE_OFFICER: ({"organisation": world.community_org}, {"organisation": far_org}),
        Role.PARTNER_CONTACT: ({"organisation": world.community_org}, {"organisation": far_org}),
        Role.PROGRAMME_LEAD: ({"programme": world.programme}, {"programme": world.other_programme}),
    }


@pytest.mark.parametrize(
    "role",
    [
        Role.FACULTY,
        Role.LOCALITY_LEAD,
        Role.SUPERVISOR,
        Role.COMMUNITY_LEAD,
        Role.FINANCE_OFFICER,
        Role.PARTNER_CONTACT,
    ],
)
def test_a_programme_lead_grants_within_their_programme_and_never_beyond(world, role):
    inside, outside = scopes(world)[role]
    lead = world["programme_lead"]
    assert roles.can_grant(lead, RoleAssignment(role=role, **inside))
    assert not roles.can_grant(lead, RoleAssignment(role=role, **outside))
    with pytest.raises(PermissionDenied):
        roles.role_grant(actor=lead, email="new@example.org", full_name="New Person", role=role, **outside)
    assert not User.objects.filter(email="new@example.org").exists()


def test_only_regional_leads_and_admins_appoint_programme_leads_and_nobody_else_appoints_admins(world):
    inside, outside = scopes(world)[Role.PROGRAMME_LEAD]
    assert roles.can_grant(world["regional_lead"], RoleAssignment(role=Role.PROGRAMME_LEAD, **inside))
    assert not roles.can_grant(world["regional_lead"], RoleAssignment(role=Role.PROGRAMME_LEAD, **outside))
    assert not roles.can_grant(world["programme_lead"], RoleAssignment(role=Role.PROGRAMME_LEAD, **inside))
    for persona in ("regional_lead", "programme_lead", "locality_lead"):
        assert not roles.can_grant(world[persona], RoleAssignment(role=Role.NATIONAL_ADMIN))
        assert not roles.can_grant(
            world[persona], RoleAssignment(role=Role.REGIONAL_LEAD, region=world.programme.region)
        )
    assert roles.can_grant(
        world["national_admin"], RoleAssignment(role=Role.REGIONAL_LEAD, region=world.programme.region)
    )


@pytest.mark.parametrize("persona", ["locality_lead", "faculty", "supervisor", "finance_officer", "learner"])
def test_people_who_do_not_run_the_programme_grant_nothing_in_it(world, persona):
    inside, _ = scopes(world)[Role.FACULTY]
    assert not roles.can_grant(world[persona], RoleAssignment(role=Role.FACULTY, **inside))


def test_someone_new_is_invited_with_a_link_that_sets_a_password_once(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        roles.role_grant(
            actor=world["programme_lead"],
            email="New.Faculty@NHS.example",
            full_name="Nia Faculty",
            role=Role.FACULTY,
            programme=world.programme,
        )
    user = User.objects.get(email="new.faculty@nhs.example")
    assert not user.has_usable_password()
    (invitation,) = [m for m in mail.outbox if m.subject == roles.INVITATION_SUBJECT.format(role="faculty")]
    assert invitation.to == ["new.faculty@nhs.example"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    client.post(form_url, {"password1": "a-long-new-password-2026", "password2": "a-long-new-password-2026"})
    user.refresh_from_db()
    assert user.has_usable_password()
    again = client.get("/" + path, follow=True)
    assert "Bad token" in again.content.decode() or "invalid" in again.content.decode().lower()


def test_someone_with_an_account_is_told_not_invited_and_a_role_is_not_given_twice(
    world, django_capture_on_commit_callbacks
):
    user = world["faculty"]
    learner = world.learner_membership.person
    with django_capture_on_commit_callbacks(execute=True):
        roles.role_grant(
            actor=world["programme_lead"], email=user.email, role=Role.SUPERVISOR, learner=learner
        )
    assert Notification.objects.filter(recipient=user, title__startswith="You are now Supervisor").exists()
    assert [m.subject for m in mail.outbox] == ["enhance: You are now Supervisor (" + learner.full_name + ")"]
    with pytest.raises(ValidationError, match="already holds this role"):
        roles.role_grant(
            actor=world["programme_lead"], email=user.email, role=Role.SUPERVISOR, learner=learner
        )


def test_the_staff_page_appoints_and_ends_roles_with_messages_by_field(client, world):
    client.force_login(world["programme_lead"])
    url = reverse("programmes:staff", args=[world.programme.pk])
    response = client.post(url, {"email": "not an email", "role": Role.FACULTY})
    assert response.status_code == 400
    response = client.post(url, {"email": "x@example.org", "full_name": "X", "role": Role.LOCALITY_LEAD})
    assert 'id="id_locality-error"' in response.content.decode()
    response = client.post(url, {"email": "new@example.org", "full_name": "", "role": Role.FACULTY})
    assert 'id="id_full_name-error"' in response.content.decode()
    client.post(url, {"email": "new@example.org", "full_name": "Nia New", "role": Role.FACULTY})
    role = RoleAssignment.objects.get(user__email="new@example.org")
    assert "new@example.org" in client.get(url).content.decode()
    client.post(reverse("programmes:role_end", args=[world.programme.pk, role.pk]))
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
    assert RoleAssignment.history.filter(id=role.pk, history_type="-").exists()
    client.force_login(world["locality_lead"])
    assert client.get(url).status_code == 403


def test_a_role_outside_the_programme_cannot_be_ended_from_its_page(client, world):
    other = ProgrammeFactory()
    outsider_role = RoleAssignment.objects.create(user=world["outsider"], role=Role.FACULTY, programme=other)
    client.force_login(world["programme_lead"])
    assert (
        client.post(reverse("programmes:role_end", args=[world.programme.pk, outsider_role.pk])).status_code
        == 404
    )
    assert RoleAssignment.objects.filter(pk=outsider_role.pk).exists()
    assert Organisation.objects.exists()


def test_a_role_with_an_end_date_ends_the_morning_after_and_its_holder_is_told(world):
    import datetime as dt

    import time_machine

    lead = world["programme_lead"]
    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError) as refused:
            roles.role_grant(
                actor=lead,
                email="past@nhs.example",
                full_name="P",
                role=Role.FACULTY,
                programme=world.programme,
                ends_on=dt.date(2026, 11, 23),
            )
        assert refused.value.message_dict["ends_on"] == [roles.END_IN_PAST]
        made = roles.role_grant(
            actor=lead,
            email="short@nhs.example",
            full_name="Sam Short",
            role=Role.FACULTY,
            programme=world.programme,
            ends_on=dt.date(2026, 11, 30),
        )
        assert roles.end_expired_roles(dt.date(2026, 11, 30)) == 0
        assert roles.end_expired_roles(dt.date(2026, 12, 1)) == 1
    assert not RoleAssignment.objects.filter(pk=made.pk).exists()
    assert Notification.objects.filter(recipient=made.user, title__startswith="Your role has ended").exists()


def test_the_staff_list_filters_and_a_person_page_shows_their_role_history(client, world):
    lead = world["programme_lead"]
    made = roles.role_grant(
        actor=lead,
        email="kit@nhs.example",
        full_name="Kit Faculty",
        role=Role.FACULTY,
        programme=world.programme,
    )
    roles.role_grant(actor=lead, email="kit@nhs.example", role=Role.LOCALITY_LEAD, locality=world.locality)
    client.force_login(lead)
    client.post(reverse("programmes:role_end", args=[world.programme.pk, made.pk]))
    url = reverse("programmes:staff", args=[world.programme.pk])
    page = client.get(url, {"q": "kit@", "role": Role.LOCALITY_LEAD}).content.decode()
    assert "Kit Faculty" in page and world["faculty"].email not in page
    assert "Nobody matches" in client.get(url, {"q": "nobody-at-all"}).content.decode()
    assert client.get(url, {"role": "not-a-role"}).status_code == 200
    person = reverse("programmes:staff_member", args=[world.programme.pk, made.user_id])
    page = client.get(person).content.decode()
    history = " ".join(page[page.index("Role history") :].split())
    assert history.count("given") == 2 and history.count("ended faculty") == 1
    assert escape(lead.full_name) in history
    elsewhere = reverse("programmes:staff_member", args=[world.programme.pk, world["far_learner"].pk])
    assert client.get(elsewhere).status_code == 404


def test_from_a_programme_s_staff_page_only_national_admins_appoint_regional_leads_and_admins(client, world):
    url = reverse("programmes:staff", args=[world.programme.pk])
    for persona in ("programme_lead", "regional_lead"):
        client.force_login(world[persona])
        for role in (Role.NATIONAL_ADMIN, Role.REGIONAL_LEAD):
            page = client.post(
                url, {"email": "up@nhs.example", "full_name": "Up", "role": role}
            ).content.decode()
            assert "outside what you lead" in page
    assert not RoleAssignment.objects.filter(user__email="up@nhs.example").exists()
    client.force_login(world["national_admin"])
    client.post(url, {"email": "rl@nhs.example", "full_name": "Rae Lead", "role": Role.REGIONAL_LEAD})
    client.post(url, {"email": "na@nhs.example", "full_name": "Nat Admin", "role": Role.NATIONAL_ADMIN})
    assert RoleAssignment.objects.get(user__email="rl@nhs.example").region == world.programme.region
    admin = RoleAssignment.objects.get(user__email="na@nhs.example")
    assert (admin.role, admin.region, admin.programme) == (Role.NATIONAL_ADMIN, None, None)


def test_the_staff_list_and_a_person_s_page_cost_the_same_whatever_the_roles(query_count, world):
    lead = world["programme_lead"]
    first = roles.role_grant(
        actor=lead, email="one@nhs.example", full_name="One", role=Role.FACULTY, programme=world.programme
    )
    urls = [
        reverse("programmes:staff", args=[world.programme.pk]),
        reverse("programmes:staff_member", args=[world.programme.pk, first.user_id]),
    ]
    before = {u: query_count(lead, u) for u in urls}
    for n in range(4):
        roles.role_grant(
            actor=lead,
            email=f"more{n}@nhs.example",
            full_name=f"More {n}",
            role=Role.FACULTY,
            programme=world.programme,
        )
    roles.role_grant(actor=lead, email="one@nhs.example", role=Role.LOCALITY_LEAD, locality=world.locality)
    roles.role_end(actor=lead, assignment=first)
    roles.role_grant(actor=lead, email="one@nhs.example", role=Role.FACULTY, programme=world.programme)
    for u in urls:
        assert query_count(lead, u) <= before[u], u


def test_a_supervisor_is_appointed_to_a_learner_named_by_email_not_picked_from_every_learner(client, world):
    from tests.factories import MembershipFactory

    client.force_login(world["programme_lead"])
    url = reverse("programmes:staff", args=[world.programme.pk])
    before = len(client.get(url).content)
    for _ in range(30):
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
    assert len(client.get(url).content) == before  # the form does not list the programme's learners
    appoint = {"email": "sol@nhs.example", "full_name": "Sol Supervisor", "role": Role.SUPERVISOR}
    page = client.post(url, {**appoint, "learner": world["far_learner"].email}).content.decode()
    assert f"No learner in {world.programme} has the email address {world['far_learner'].email}." in page
    page = client.post(url, {**appoint, "learner": "not-an-email"}).content.decode()
    assert 'id="id_learner-error"' in page
    assert not RoleAssignment.objects.filter(user__email="sol@nhs.example").exists()
    client.post(url, {**appoint, "learner": world["learner"].email.upper()})
    made = RoleAssignment.objects.get(user__email="sol@nhs.example")
    assert made.learner == world.learner_membership.person
