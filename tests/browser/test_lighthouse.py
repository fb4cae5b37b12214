"""Lighthouse (pinned in package.json, run on Debian's Chromium) on a lesson of each
level and a strategy: 100 for accessibility, at least 95 for performance, best
practices and SEO (issue 12)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from lessons.models import Lesson, Level

LIGHTHOUSE = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "lighthouse"
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def pages() -> list[str]:
    """The first published page of each level and of the strategies."""
    found = []
    for level in Level.objects.all():
        lesson = Lesson.objects.published().filter(level=level).order_by("number").first()
        if lesson is not None:
            found.append(lesson.get_absolute_url())
    return found


def scores(url: str, tmp_path: Path) -> dict[str, float]:
    report = tmp_path / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={FLAGS}", "--output=json",
            f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}",
        ],
        check=True,
        timeout=180,
        env={**os.environ, "CHROME_PATH": shutil.which("chromium") or ""},
    )  # fmt: skip
    categories = json.loads(report.read_text())["categories"]
    return {name: categories[name]["score"] for name in CATEGORIES}


def test_a_lesson_of_each_level_and_a_strategy_score_well(base_url, tmp_path):
    urls = pages()
    assert len(urls) == Level.objects.count() >= 3
    for url in urls:
        found = scores(base_url + url, tmp_path)
        assert found["accessibility"] == 1, (url, found)
        assert all(found[name] >= 0.95 for name in CATEGORIES), (url, found)
