"""Email goes through the SMTP server the environment names, or to the console in development."""

import json
import secrets

from tests.test_settings import manage

SHOW = "import json; from django.conf import settings; print(json.dumps(settings.MAILERS))"


def mailers(**env: str) -> dict:
    result = manage("shell", "-c", SHOW, DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])["default"]


def test_development_prints_emails_to_the_console():
    assert mailers(DJANGO_DEBUG="true")["BACKEND"].endswith("console.EmailBackend")


def test_smtp_settings_come_from_the_environment():
    default = mailers(
        EMAIL_HOST="smtp.example.com",
        EMAIL_HOST_USER="academy",
        EMAIL_HOST_PASSWORD="secret",
    )
    assert default["BACKEND"].endswith("smtp.EmailBackend")
    assert default["OPTIONS"] | {"password": "-"} == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "academy",
        "password": "-",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }
    ssl = mailers(EMAIL_HOST="smtp.example.com", EMAIL_USE_SSL="true")["OPTIONS"]
    assert (ssl["port"], ssl["use_ssl"], ssl["use_tls"]) == (465, True, False)


def test_production_without_a_host_hands_mail_to_this_machine():
    options = mailers()["OPTIONS"]
    assert (options["host"], options["port"], options["use_tls"]) == ("localhost", 25, False)


def test_check_deploy_says_when_emails_would_only_be_printed():
    result = manage(
        "check",
        "--deploy",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="academy.example.com",
        DJANGO_EMAIL_CONSOLE="true",
    )
    assert "mail.E001" in result.stderr + result.stdout
