"""Backups: ops/backup dumps PostgreSQL and the uploaded files; ops/restore puts them into a
fresh database and folder, and the restored service serves the same data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of the PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


def database_url(name: str) -> str:
    s = connection.settings_dict
    user, host, port = s["USER"] or "postgres", s["HOST"] or "127.0.0.1", s["PORT"] or "5432"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def run(args: list[str], **env: str) -> str:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        args, cwd=ROOT, env={**inherited, **env}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_backup_restores_into_a_fresh_database_and_serves_the_same_data(world, tmp_path):
    media = tmp_path / "media"
    (media / "receipts").mkdir(parents=True)
    (media / "receipts" / "fare.pdf").write_bytes(b"%PDF-1.4 fare")
    source = database_url(connection.settings_dict["NAME"])
    prefix = run(
        ["ops/backup", str(tmp_path / "backups")], DATABASE_URL=source, MEDIA_ROOT=str(media)
    ).strip()

    restored_name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = database_url("postgres")
    run(
        [
            "psql",
            admin_url,
            "-c",
            f"DROP DATABASE IF EXISTS {restored_name}",
            "-c",
            f"CREATE DATABASE {restored_name}",
        ]
    )
    try:
        restored_media = tmp_path / "restored-media"
        target = database_url(restored_name)
        run(["ops/restore", prefix], DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
        assert (restored_media / "receipts" / "fare.pdf").read_bytes() == b"%PDF-1.4 fare"
        # A second restore into the now-filled database is refused, never mixed in.
        refused = subprocess.run(
            [str(ROOT / "ops" / "restore"), prefix],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": target},
            capture_output=True,
            text=True,
        )
        assert refused.returncode == 2 and "not empty" in refused.stderr

        app = {
            "DATABASE_URL": target,
            "DJANGO_SETTINGS_MODULE": "enhance.settings",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
        }
        # The release step, as the README's recovery says (the test database has no cache
        # table of its own: the suite keeps its cache in memory).
        for step in ("migrate", "createcachetable"):
            run([sys.executable, "manage.py", step], **app)
        serve = (
            "import django; django.setup(); from django.test import Client; "
            "from enhance.accounts.models import User; c = Client(); "
            "c.force_login(User.objects.get(email='learner@example.org')); "
            "r = c.get('/'); print(r.status_code); print('Midlands IMT' in r.content.decode())"
        )
        out = run([sys.executable, "-c", serve], **app)
        assert out.split() == ["200", "True"]
    finally:
        run(["psql", admin_url, "-c", f"DROP DATABASE IF EXISTS {restored_name}"])
