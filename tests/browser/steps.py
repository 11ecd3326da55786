"""Steps more than one browser journey takes, written once: accepting an emailed invitation,
opening a placement block, and the site menu."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, goto
from tests.factories import fresh_totp_code


def menu(page: Page, name: str) -> None:
    """Follow a menu link, opening "More" first when the header had no room for it. Waits for
    the header's script to have arranged the links, which can move one while it is clicked."""
    page.locator("header[data-nhsuk-header-init]").wait_for(state="attached")
    nav = page.get_by_role("navigation", name="Menu")
    link = nav.get_by_role("link", name=name)
    more = nav.get_by_role("button", name="Browse More")
    if not link.is_visible() and more.is_visible():
        more.click()
    link.click()


def invitation_link(email: str) -> str:
    """The set-password link of the latest invitation sent to this address."""
    links = [
        found.group(0)
        for m in mail.outbox
        if email in m.to and (found := re.search(r"/accounts/password/reset/key/\S+/", str(m.body)))
    ]
    assert links, f"no invitation to {email}"
    return links[-1]


def accept_invitation(new_page, email: str, password: str, staff: bool) -> Page:  # type: ignore[no-untyped-def]
    """Open the emailed link, set a password, sign in and (for staff) set up the authenticator,
    which asks for the password once more first. Ends on the person's home page."""
    page = new_page()
    goto(page, invitation_link(email))
    page.get_by_label("New Password", exact=False).first.fill(password)
    page.get_by_label("New Password (again)", exact=False).fill(password)
    page.get_by_role("button", name="Change Password").click()
    goto(page, "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if staff:
        expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Confirm").click()
        secret = page.locator("#authenticator_secret").input_value()
        assert_accessible(page)
        page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
        page.get_by_role("button", name="Activate").click()
        expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
        assert_accessible(page)
        menu(page, "Home")
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()
    assert_accessible(page)
    return page


def open_block(lead: Page, cohort: str, name: str, dates: tuple[str, str, str]) -> str:
    """The lead opens a placement block offering every opportunity; answers its address."""
    starts, ends, closes = dates
    menu(lead, "Placements")
    lead.get_by_role("link", name="Open a placement block").click()
    assert_accessible(lead)
    lead.get_by_label("Cohort").select_option(label=cohort)
    lead.get_by_label("Name").fill(name)
    lead.get_by_label("Starts on").fill(starts)
    lead.get_by_label("Ends on").fill(ends)
    lead.get_by_label("Preferences close at").fill(closes)
    for box in lead.get_by_role("group", name="Opportunities offered").get_by_role("checkbox").all():
        box.check()
    lead.get_by_role("button", name="Open block").click()
    expect(lead.get_by_text(f"{name} is open for preferences.")).to_be_visible()
    assert_accessible(lead)
    return lead.url
