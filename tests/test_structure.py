"""The shape of the code: one room per concept, each small enough to read.

`make lint` refuses circles of imports (import-linter's acyclic_siblings contract in
pyproject.toml); these tests hold the rest of docs/architecture.md's rules.
"""

from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("academy", "accounts", "core", "lessons", "quiz", "simulator")
MAX_LINES = 600


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in app_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by concept: {long}"


def prefixed_siblings(names: set[str]) -> list[tuple[str, ...]]:
    """Modules told apart by a prefix: `tool_forms` beside `tool_views`, or
    `strategy_urls` beside `urls`."""
    by_first_word = defaultdict(list)
    for name in names:
        if "_" in name:
            by_first_word[name.split("_", 1)[0]].append(name)
    found = [tuple(sorted(group)) for group in by_first_word.values() if len(group) > 1]
    found += [
        (name, name.split("_", 1)[1])
        for name in names
        if "_" in name and name.split("_", 1)[1] in names
    ]
    return sorted(found)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            {"tool_forms", "tool_views", "views"},
            [("tool_forms", "tool_views"), ("tool_views", "views")],
        ),
        ({"strategy_urls", "urls"}, [("strategy_urls", "urls")]),
        ({"page_cache", "numbers", "forms"}, []),
    ],
)
def test_the_prefix_check_finds_prefixed_siblings(names, expected):
    assert prefixed_siblings(names) == expected


def test_no_sibling_modules_are_told_apart_by_a_prefix():
    packages = defaultdict(set)
    for path in app_modules():
        packages[path.parent].add(path.stem)
    found = {
        str(folder.relative_to(ROOT)): groups
        for folder, names in packages.items()
        if (groups := prefixed_siblings(names - {"__init__"}))
    }
    assert found == {}, f"give each concept its own module or package: {found}"
