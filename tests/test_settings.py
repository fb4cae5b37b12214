import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LESSON_4_URL

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The settings under test come from `env` alone, not from the run's own
    # (make test-postgres sets DATABASE_URL for the suite, for instance).
    ours = {"DATABASE_URL", "REDIS_URL"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in ours}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="academy.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_writes_compressed_hashed_files(tmp_path):
    result = manage(
        "collectstatic",
        "--noinput",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/academy.css"]
    assert re.fullmatch(r"css/academy\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / (hashed + ".gz")).exists()
    assert "django_htmx/htmx-2.min.js" in manifest


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_content_security_policy_has_nonces_and_no_unsafe_inline(client, db):
    response = client.get(LESSON_4_URL)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    scripts = html.count("<script")
    assert scripts >= 1
    assert html.count(f'nonce="{nonce}"') == scripts


def test_security_headers(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_models_and_their_migrations_agree():
    # A new quiz computation or preset must never need a migration (content is data).
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
