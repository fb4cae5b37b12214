"""A visitor for the scale checks: plain HTTP with a browser's cookies and forms.

Kept apart from `test_scale.py` so that the checks read as checks; standard library only.
"""

import http.client
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


class Visitor:
    """A browser: its cookies go to whichever server it asks (cookies belong to the
    host, not the port, so two servers on one host share them as behind one name)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, data: dict | None = None, htmx: bool = False
    ) -> Reply:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            body = urlencode(data or {}, doseq=True)
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return Reply(response.status, dict(response.headers.items()), text)

    def get(self, port: int, path: str) -> Reply:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict, htmx: bool = False) -> Reply:
        if "csrftoken" not in self.cookies:
            self.get(port, path)  # the page with the form sets the token, as for a browser
        return self.request(port, "POST", path, data, htmx)


def get(port: int, path: str) -> Reply:
    return Visitor().get(port, path)


class FormFields(HTMLParser):
    """The values a browser would submit from the page's form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.values.append((name, a.get("value", "on")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.values.append((name, ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.values.append((self.select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in parser.values:
        fields.setdefault(name, []).append(value.removeprefix("\n"))
    return fields
