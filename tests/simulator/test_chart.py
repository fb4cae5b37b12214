"""The charts' labels stay inside the SVG's viewBox at the largest size the stylesheet
gives them on a phone (issue 27, item 14: the "+50%" label was cut off)."""

import html as html_lib
import itertools
import re

import pytest
from django.test import Client

from simulator.chart import HEIGHT, LABEL_FONT_MAX, WIDTH

pytestmark = pytest.mark.django_db
PAGES = ["/simulator/?preset=two-isolated", "/simulator/replay/?path=lesson-4"]
# Wider than any glyph of a label in the fonts we name, per character ("$10,000", "+50%").
EM_PER_CHARACTER = 0.72
TEXT = re.compile(r"<text (?P<attributes>[^>]*)>(?P<label>[^<]*)</text>")


def labels(page: str) -> list[dict]:
    found = []
    for match in TEXT.finditer(page):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match["attributes"]))
        if "chart-label" in attributes.get("class", ""):
            found.append({**attributes, "label": html_lib.unescape(match["label"])})
    return found


def extent(label: dict) -> tuple[float, float, float, float]:
    """The box a label can take up at the largest font: left, right, top, bottom."""
    width = len(label["label"]) * EM_PER_CHARACTER * LABEL_FONT_MAX
    x = float(label["x"])
    left = {"start": x, "middle": x - width / 2, "end": x - width}[
        label.get("text-anchor", "start")
    ]
    y = float(label["y"]) + float(label.get("dy", 0))
    if label.get("dominant-baseline") == "hanging":
        return left, left + width, y, y + LABEL_FONT_MAX
    if label.get("dominant-baseline") == "middle":
        return left, left + width, y - LABEL_FONT_MAX / 2, y + LABEL_FONT_MAX / 2
    return left, left + width, y - LABEL_FONT_MAX, y + LABEL_FONT_MAX * 0.25


@pytest.mark.parametrize("url", PAGES)
def test_every_chart_label_fits_inside_the_chart(client: Client, url):
    found = labels(client.get(url).content.decode())
    assert len(found) >= 6
    assert any(label["label"] == "+50%" for label in found) or "replay" in url
    for label in found:
        left, right, top, bottom = extent(label)
        assert left >= 0 and right <= WIDTH, label
        assert top >= 0 and bottom <= HEIGHT, label


@pytest.mark.parametrize("url", PAGES)
def test_neighbouring_price_labels_never_meet_on_a_narrow_chart(client: Client, url):
    """Below 480 px the minor labels give way; the others are far enough apart."""
    shown = [
        extent(label)
        for label in labels(client.get(url).content.decode())
        if label.get("dominant-baseline") == "hanging" and "minor" not in label["class"]
    ]
    assert len(shown) >= 2
    for (_, right, _, _), (left, _, _, _) in itertools.pairwise(shown):
        assert right <= left
