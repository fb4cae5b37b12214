"""A test client's visitor token, as the site keeps it (quiz.visitors)."""

from django.test import Client

from quiz.visitors import COOKIE, visitor_cookie_value, visitor_in_cookie


def visitor_of(client: Client) -> str | None:
    """The token in the client's cookie; None if it has none."""
    morsel = client.cookies.get(COOKIE)
    return visitor_in_cookie(morsel.value) if morsel is not None else None


def be_visitor(client: Client, visitor: str) -> None:
    """Give the client a visitor's token, as if it had started a quiz."""
    client.cookies[COOKIE] = visitor_cookie_value(visitor)
