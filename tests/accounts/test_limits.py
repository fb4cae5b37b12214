"""allauth's rate limits: counted where every process sees them, by the visitor's
address behind our proxies, and over the admin's log-in too. (Across gunicorn's
workers, as served: tests/test_rate_limits_served.py.)"""

import secrets

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from tests.accounts.test_auth import summary_links, text
from tests.test_settings import manage

pytestmark = pytest.mark.django_db
TOO_MANY = "Too many failed login attempts. Try again later."


def wrong_log_in(client: Client, email: str, **headers) -> str:
    response = client.post(
        "/accounts/login/", {"login": email, "password": "wrong"}, headers=headers
    )
    assert response.status_code == 200
    return text(response)


def test_failed_log_ins_are_counted_in_the_database_not_in_this_process(client, learner):
    wrong_log_in(client, learner.email)
    shared = caches[settings.RATE_LIMIT_CACHE]
    assert shared.__class__.__name__ == "DatabaseCache"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM academy_rate_limits")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("login_failed" in key for key in keys), keys
    assert not any("allauth" in key for key in caches["default"]._cache), "counted per process"


def test_the_admin_log_in_is_held_to_the_same_limit(client):
    get_user_model().objects.create_superuser("editor", password="x-long-password")
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "editor", "password": "wrong"})
        assert "Please enter the correct username and password" in text(response)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "x-long-password"}
    )
    assert response.status_code == 200
    assert TOO_MANY in text(response)
    assert "_auth_user_id" not in client.session
    # Another name from another address is still checked.
    other = Client(REMOTE_ADDR="10.9.9.9")
    response = other.post("/admin/login/", {"username": "someone", "password": "wrong"})
    assert "Please enter the correct username and password" in text(response)


def test_the_proxy_count_and_client_ip_header_come_from_the_environment():
    code = (
        "from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    key = secrets.token_urlsafe(50)
    result = manage(
        *("shell", "--no-imports", "-c", code),
        DJANGO_SECRET_KEY=key,
        DJANGO_TRUSTED_PROXY_COUNT="2",
        DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    )
    assert result.stdout.split() == ["2", "X-Real-IP"], result.stderr
    result = manage("check", DJANGO_SECRET_KEY=key, DJANGO_TRUSTED_PROXY_COUNT="one")
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR"])
def test_behind_a_balancer_one_visitor_cannot_lock_out_the_others(settings, header):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**balancer, **{header: "203.0.113.7"})
    for n in range(12):  # past the 10 a minute from one address
        wrong_log_in(attacker, f"nobody{n}@example.com")
    assert TOO_MANY in wrong_log_in(attacker, "nobody-else@example.com")
    learner = Client(**balancer, **{header: "198.51.100.4"})
    page = wrong_log_in(learner, "learner@example.com")
    assert TOO_MANY not in page
    assert "not correct" in page


def test_a_request_that_missed_a_proxy_is_counted_by_its_own_address(settings, client):
    """Fewer X-Forwarded-For entries than proxies of ours (a request that reached the
    second one directly): allauth would answer 500; it is counted by its connection."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = client.post(
        "/accounts/login/",
        {"login": "someone@example.com", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 200
    assert summary_links(text(response))
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    response = client.post(
        "/accounts/login/",
        {"login": "someone@example.com", "password": "wrong"},
        HTTP_X_REAL_IP="not an address",
    )
    assert response.status_code == 200
