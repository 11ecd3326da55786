"""Production mode: static files collect into a manifest, pages render with hashed assets,
and Django's deployment checks pass behind a TLS proxy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def manifest_static(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.WHITENOISE_USE_FINDERS = False
    # Changing STORAGES in a test rebuilds the static files storage (Django's setting_changed).
    return tmp_path


@pytest.mark.django_db
def test_production_collectstatic_writes_a_manifest_and_the_sign_in_page_serves(client, manifest_static):
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (manifest_static / "staticfiles.json").exists()

    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    page = response.content.decode()
    # Assets are linked by their hashed, collected names.
    assert re.search(r'href="/static/vendor/nhsuk/nhsuk-frontend\.min\.[0-9a-f]{12}\.css"', page)
    assert re.search(r'src="/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js"', page)


def test_vendored_assets_name_no_missing_source_maps():
    vendor = ROOT / "build" / "static" / "vendor"
    for asset in [*vendor.rglob("*.css"), *vendor.rglob("*.js")]:
        assert "sourceMappingURL" not in asset.read_text(errors="ignore"), asset


def test_check_deploy_is_clean_behind_a_tls_proxy():
    # The browser tests' relaxation of async safety is for the test process only.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "enhance.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-of-sufficient-length-0123456789",
        "BEHIND_TLS_PROXY": "true",
        "SECURE_COOKIES": "true",
        "ALLOWED_HOSTS": "enhance.example.nhs.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_covers_subdomains_and_preload_when_behind_a_tls_proxy():
    assert settings.DEBUG is False
    env = {**os.environ, "BEHIND_TLS_PROXY": "true", "DJANGO_SETTINGS_MODULE": "enhance.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["31536000", "True", "True", "True"]


def settings_in_a_fresh_process(**env_vars: str) -> list[str]:
    inherited = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_CONN_MAX_AGE")
    }
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "enhance.settings", **env_vars}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_make_run_keeps_no_postgresql_connection_per_request_thread():
    """The development server (DEBUG) closes each request's connection, so a session of clicking
    around does not fill PostgreSQL; production keeps connections for a minute."""
    url = "postgres://postgres@127.0.0.1:5432/enhance"
    assert settings_in_a_fresh_process(DEBUG="true", DATABASE_URL=url) == ["0"]
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 40, "DATABASE_URL": url}
    assert settings_in_a_fresh_process(**production) == ["60"]


def test_the_served_app_leaves_what_loading_built_out_of_full_garbage_collections():
    """Full collections walk every live object: the web server's entry point freezes what
    loading the app built, so a request no longer pays a full pass over all of it."""
    import gc
    import importlib

    import enhance.wsgi

    gc.unfreeze()
    try:
        importlib.reload(enhance.wsgi)
        assert gc.get_freeze_count() > 50_000  # Django and the app, loaded
        assert gc.get_count()[2] == 0  # and nothing left for the next full pass to walk
    finally:
        gc.unfreeze()
