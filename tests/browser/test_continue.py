"""Continue where you left off, in a browser: axe clean in light and dark on a returning
learner's home and Learn pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Lesson
from tests.browser.conftest import assert_accessible


@pytest.mark.parametrize("path", ["/", "/learn/"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_signpost_is_accessible(page: Page, base_url, path, scheme):
    page.emulate_media(color_scheme=scheme)
    lessons = Lesson.objects.published().filter(level__kind="track")
    first = lessons.order_by("level__position", "number")[0]
    # Mark it read as the page's form does (by the browser's own cookies), whatever its
    # script does on load.
    url = f"{base_url}/progress/read/{first.pk}/"
    form = page.request.get(url).text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    page.request.post(url, form={"csrfmiddlewaretoken": token}, headers={"Referer": url})
    page.goto(base_url + path)
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    assert_accessible(page)
