"""Production smoke test: signs in to a running enhance (gunicorn, DEBUG off, behind a TLS
proxy as far as the app can tell) and opens a page per area, then the assets each page links.

Usage: smoke.py BASE_URL. Exits non-zero, saying which request failed, on any problem."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

PASSWORD = "enhance-demo-2026"  # noqa: S105  # the demo accounts' password (README)

LEARNER_PAGES = [
    "/",
    "/teaching/",
    "/teaching/leave/",
    "/placements/my/",
    "/projects/",
    "/portfolio/reflections/",
    "/portfolio/progress/",
    "/expenses/",
    "/calendar/",
    "/notifications/",
    "/evaluation/surveys/",
]
LEAD_PAGES = [
    "/",
    "/programmes/",
    "/learners/",
    "/imports/",
    "/teaching/attendance/",
    "/placements/blocks/",
    "/placements/opportunities/",
    "/projects/",
    "/portfolio/readiness/",
    "/expenses/approvals/",
    "/evaluation/",
    "/evaluation/measures/confidence/",
]


class Browser:
    """A minimal client that keeps cookies (secure ones too: TLS ends at the proxy) and says
    it came through HTTPS, as the proxy would."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.base = base
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.extra_headers: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Host": f"{self.host}:{self.port}", **self.extra_headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}:{self.port}"
            headers["Referer"] = f"https://{self.host}:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers.get("Location", ""), text

    def get(self, path: str, expect: int = 200) -> str:
        status, location, text = self.request("GET", path)
        if status != expect:
            fail(f"GET {path}: {status} {location}")
        return text

    def post_form(self, path: str, page: str, fields: dict[str, str]) -> tuple[int, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            fail(f"no CSRF token on {path}")
        status, location, _ = self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields})
        return status, location


def fail(message: str) -> None:
    print(f"SMOKE FAILED: {message}")
    sys.exit(1)


def fresh_code() -> str:
    """The demo authenticator code, early enough in its 30-second window to still be valid
    when the server checks it."""
    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return subprocess.run(
        [sys.executable, "manage.py", "demo_totp"], capture_output=True, text=True, check=True
    ).stdout.strip()


def sign_in(base: str, email: str, code: str | None) -> Browser:
    browser = Browser(base)
    page = browser.get("/accounts/login/")
    status, location = browser.post_form("/accounts/login/", page, {"login": email, "password": PASSWORD})
    if status != 302:
        fail(f"sign-in of {email}: {status}")
    if code is not None:
        if not location.endswith("/accounts/2fa/authenticate/"):
            fail(f"{email} was not asked for a second factor ({location})")
        page = browser.get("/accounts/2fa/authenticate/")
        status, location = browser.post_form("/accounts/2fa/authenticate/", page, {"code": code})
        if status != 302:
            fail(f"second factor of {email}: {status}")
    return browser


def check_pages(browser: Browser, who: str, pages: list[str]) -> None:
    assets: set[str] = set()
    for path in pages:
        html = browser.get(path)
        if "<h1" not in html:
            fail(f"{who} {path}: no heading")
        assets.update(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
        print(f"ok  {who:<16} {path}")
    if not assets or not any(re.search(r"\.[0-9a-f]{12}\.(css|js)$", a) for a in assets):
        fail("pages link no hashed static assets")
    for asset in sorted(assets):
        browser.get(urljoin("/", asset))
    print(f"ok  {who:<16} {len(assets)} static assets")


def wait_for_server(browser: Browser, seconds: int = 60) -> None:
    for _ in range(seconds * 2):
        try:
            status, _, _ = browser.request("GET", "/health")
        except OSError:
            time.sleep(0.5)
            continue
        if status == 200:
            return
        fail(f"/health answered {status}")
    fail(f"the server did not answer within {seconds} s")


def main() -> None:
    base = sys.argv[1]
    anonymous = Browser(base)
    wait_for_server(anonymous)
    status, location, _ = anonymous.request("GET", "/learners/")
    if status != 302 or "/accounts/login/" not in location:
        fail(f"an anonymous visitor was not sent to sign in ({status} {location})")
    status, location, _ = anonymous.request("GET", "/admin/login/")
    if status != 302 or "/accounts/login/" not in location:
        fail(f"the admin's own sign-in form is still served ({status} {location})")

    check_pages(sign_in(base, "learner@enhance.example", None), "learner", LEARNER_PAGES)
    check_pages(sign_in(base, "programme.lead@enhance.example", fresh_code()), "programme lead", LEAD_PAGES)
    admin = sign_in(base, "admin@enhance.example", fresh_code())
    check_pages(admin, "national admin", ["/", "/programmes/", "/admin/"])
    print("Production smoke test passed.")


if __name__ == "__main__":
    main()
