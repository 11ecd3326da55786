"""Playwright on Debian's Chromium (never a downloaded browser), with an axe-core check."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM in the test body is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait as long as actions do: a loaded 2-core machine can take over 5 s for a page.
expect.set_options(timeout=10_000)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed for the browser tests: install Debian's chromium ({CHROMIUM}).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def axe_findings() -> Iterator[tuple[list[str], set[str]]]:
    """Serious or critical axe-core violations found on any page the test's browsers loaded,
    reported when the test ends (with the pages checked, so each is checked once)."""
    found: list[str] = []
    checked: set[str] = set()
    yield found, checked
    assert not found, "Accessibility violations:\n" + "\n".join(found)


@pytest.fixture
def page(browser: Browser, live_server, axe_findings) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    page = context.new_page()
    _check_every_load(page, *axe_findings)
    yield page
    context.close()


@pytest.fixture
def new_page(browser: Browser, live_server, axe_findings) -> Iterator:  # type: ignore[no-untyped-def]
    """Open pages in fresh browser contexts (one per person); all closed after the test. Every
    page any of them loads (by address, link or form) is checked with axe-core."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _check_every_load(page, *axe_findings)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(new_page, email: str, staff: bool = True, phone: bool = False) -> Page:  # type: ignore[no-untyped-def]
    """A fresh browser for one person, signed in (with the authenticator code for staff)."""
    from tests.factories import PASSWORD, TOTP_SECRET, fresh_totp_code

    page = new_page()
    if phone:
        page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if staff:
        page.get_by_label("Authenticator code").fill(fresh_totp_code(TOTP_SECRET))
        page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome", exact=False).wait_for()
    return page


_axe = Axe()
_running: set[int] = set()  # pages axe-core is checking now (it runs once per page at a time)


def _serious(violations: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _run_axe(page: Page) -> list[dict]:  # type: ignore[type-arg]
    while id(page) in _running:  # a check started on load is still running: let it finish
        page.wait_for_timeout(50)
    _running.add(id(page))
    try:
        return _serious(_axe.run(page).response["violations"])
    finally:
        _running.discard(id(page))


def _check_every_load(page: Page, found: list[str], checked: set[str]) -> None:
    def on_load(loaded: Page) -> None:
        address = loaded.url.split("?")[0]
        if address in checked or id(loaded) in _running:
            return
        _running.add(id(loaded))
        try:
            bad = _serious(_axe.run(loaded).response["violations"])
        except Exception:  # noqa: BLE001 (the page moved on before axe finished; checked if seen again)
            return
        finally:
            _running.discard(id(loaded))
        checked.add(address)
        found.extend(f"{loaded.url}: {v['impact']}: {v['id']}: {v['help']}" for v in bad)

    page.on("load", on_load)


def goto(page: Page, url: str) -> Response | None:
    """Open a page as a person would by typing its address, and check it with axe-core (pages
    that answer with an error are checked by their own tests)."""
    response = page.goto(url)
    if response is not None and response.ok and "html" in (response.header_value("content-type") or ""):
        assert_accessible(page)
    return response


def assert_accessible(page: Page) -> None:
    """No axe-core violation of serious or critical impact on the current page."""
    bad = _run_axe(page)
    summary = "\n".join(
        f"{v['impact']}: {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    assert not bad, f"Accessibility violations on {page.url}:\n{summary}"


@pytest.fixture
def marked(world):
    """Before a journey: four sessions held and marked, Asha absent from all of them; 30 more
    learners present, so the list runs past one page."""
    import datetime as dt

    import time_machine

    from enhance.teaching import services
    from tests.factories import MembershipFactory
    from tests.teaching.test_sessions import series

    crowd = [
        MembershipFactory(programme=world.programme, cohort=world.cohort, locality=world.locality)
        for _ in range(30)
    ]
    for session in series(world, count=4):
        with time_machine.travel(session.ends_at + dt.timedelta(hours=1)):
            statuses = {m.pk: "present" for m in crowd} | {world.learner_membership.pk: "absent"}
            services.register_save(actor=world["programme_lead"], session=session, statuses=statuses)
