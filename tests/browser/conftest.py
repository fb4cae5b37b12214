"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

`make test` runs these in their own pytest run with DJANGO_ALLOW_ASYNC_UNSAFE
set, since Playwright's sync API keeps an event loop in the test thread.
"""

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Every test here needs the live server, and the shipped lessons restored
    # after each transactional test flushes the database.
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def no_js_page(browser, base_url):
    """A page whose browser runs no JavaScript, at the live server."""
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    yield context.new_page()
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core in the page; fail with a readable list of any violation."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    problems = [
        {
            "rule": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
    assert problems == [], json.dumps(problems, indent=2)
