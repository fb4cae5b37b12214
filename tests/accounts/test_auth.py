"""Accounts by email and password (django-allauth): sign-up with a confirmed address,
log-in, password reset, rate limits, and the site's forms and navigation."""

import html
import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.conftest import PASSWORD, confirmation_link, log_in
from tests.conftest import LESSON_4_URL

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def summary_links(page: str) -> list[tuple[str, str]]:
    """The error summary's (target id, message) pairs."""
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_sign_up_confirm_the_address_and_land_on_your_progress(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Confirm your email address" in text(client.get("/accounts/confirm-email/"))
    # Not logged in until the address is confirmed.
    assert "Log in</a>" in text(client.get("/progress/"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Margin Academy: Confirm your email address"
    assert "gave this address for an account at Margin Academy" in mail.outbox[0].body
    link = confirmation_link("new@example.com")
    assert "Confirm that" in text(client.get(link))
    response = client.post(link)
    assert response["Location"] == "/progress/"
    page = text(client.get("/progress/"))
    assert "Kept in your account (new@example.com)" in page
    assert ">Account</a>" in page


def test_log_in_is_refused_until_the_address_is_confirmed(client):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    other = Client()
    response = other.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "Kept in this browser only" in text(other.get("/progress/"))


def test_sign_up_errors_are_beside_the_fields_and_in_the_summary_and_the_email_stays(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "typed@example.com", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: Sign up" in page
    links = summary_links(page)
    assert links, page
    for target, message in links:
        # Each message is also beside its field, which the link leads to.
        assert f'id="{target}"' in page
        assert page.count(message) >= 2
    assert 'value="typed@example.com"' in page  # kept
    assert 'value="short"' not in page  # passwords are never sent back


def test_an_empty_log_in_says_what_to_enter(client):
    page = text(client.post("/accounts/login/", {"login": "", "password": ""}))
    assert summary_links(page) == [
        ("id_login", "Enter your email address"),
        ("id_password", "Enter your password"),
    ]


def test_a_wrong_password_is_a_form_error_leading_to_the_first_field(client, learner):
    response = client.post("/accounts/login/", {"login": learner.email, "password": "wrong-one"})
    page = text(response)
    [(target, message)] = summary_links(page)
    assert target == "id_login"
    assert "not correct" in message
    assert f'value="{learner.email}"' in page


def test_log_in_and_out(client, learner):
    assert log_in(client, learner.email)["Location"] == "/progress/"
    page = text(client.get("/accounts/"))
    assert learner.email in page
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/"
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")


def test_failed_log_ins_are_rate_limited(client, learner):
    for _ in range(5):
        client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
    # The right password is refused too while the limit holds, with the reason.
    response = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert summary_links(text(response)) == [
        ("id_login", "Too many failed login attempts. Try again later.")
    ]
    assert "_auth_user_id" not in client.session


def test_a_flood_of_sign_ups_from_one_address_is_refused(client):
    statuses = {
        client.post("/accounts/signup/", {"email": f"x{n}@example.com"}).status_code
        for n in range(21)
    }
    assert statuses == {200, 429}


def test_password_reset_by_email_link(client, learner):
    response = client.post("/accounts/password/reset/", {"email": learner.email})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox[-1].subject == "Margin Academy: Reset your password"
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", body).group(1)
    form_url = client.get(link)["Location"]  # the key moves into the session
    page = text(client.get(form_url))
    assert "Choose a new password" in page
    response = client.post(form_url, {"password1": "a-new-pass-phrase-7", "password2": "x"})
    assert "<title>Error: Choose a new password" in text(response)
    response = client.post(
        form_url, {"password1": "a-new-pass-phrase-7", "password2": "a-new-pass-phrase-7"}
    )
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert Client().login(username=learner.username, password="a-new-pass-phrase-7")


def test_a_password_reset_for_an_unknown_address_says_the_same(client, learner):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"


def test_every_account_form_posts_with_a_csrf_token(learner):
    strict = Client(enforce_csrf_checks=True)
    for url, data in [
        ("/accounts/login/", {"login": learner.email, "password": PASSWORD}),
        ("/accounts/signup/", {"email": "x@example.com", "password1": PASSWORD}),
        ("/accounts/password/reset/", {"email": learner.email}),
        ("/progress/review/next/", {}),
        ("/accounts/data/delete/", {"confirm": "on"}),
    ]:
        assert strict.post(url, data).status_code == 403, url


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/password/reset/key/0-not-a-key/",
    ],
)
def test_account_pages_are_the_sites_with_no_inline_script_or_style(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "style=" not in page and "<style" not in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert page.count("<script") == page.count(f'nonce="{nonce}"')


@pytest.mark.parametrize(
    "url", ["/accounts/password/change/", "/accounts/email/", "/accounts/logout/"]
)
def test_pages_for_the_logged_in_are_the_sites_too(client, learner, url):
    log_in(client, learner.email)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert "style=" not in page


def test_change_the_password(client, learner):
    log_in(client, learner.email)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "x-new-1", "password2": "x-new-1"},
    )
    assert "Error: Change your password" in text(response)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another-pass-9", "password2": "another-pass-9"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("another-pass-9")


def test_the_navigation_names_the_account_even_on_pages_the_cache_keeps(client, learner):
    for url in ("/", "/learn/", LESSON_4_URL, "/learn/beginner/"):
        assert ">Log in</a>" in text(client.get(url))  # fills the shared cache
    log_in(client, learner.email)
    for url in ("/", "/learn/", LESSON_4_URL, "/learn/beginner/"):
        page = text(client.get(url))
        assert ">Account</a>" in page, url
        assert ">Log in</a>" not in page, url
    assert ">Log in</a>" in text(Client().get("/"))  # the shared page is unchanged


def test_check_the_admin_still_logs_in_by_username(client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("editor", password="x-long-password")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "x-long-password"}
    )
    assert response["Location"] == "/admin/"


def test_someone_else_signing_up_with_a_taken_address_learns_nothing(client, learner):
    response = client.post(
        "/accounts/signup/",
        {"email": learner.email, "password1": PASSWORD, "password2": PASSWORD},
    )
    # The same answer as for a new address; the owner is told by email instead.
    assert response["Location"] == "/accounts/confirm-email/"
    assert mail.outbox[-1].to == [learner.email]
