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


# What a module does in a room, as Django names it: a sibling named <prefix>_<role> is a
# room hiding in a flat folder (tool_forms beside tool_views, strategy_urls beside urls).
ROLES = {"admin", "apps", "content", "forms", "models", "selectors", "services", "urls", "views"}


def prefixed_siblings(names: set[str]) -> list[tuple[str, ...]]:
    """Modules told apart by a prefix: `tool_forms` beside `tool_views` or `replay_forms`,
    or `strategy_urls` beside `urls`."""
    found = set()
    for name in names:
        prefix, _, role = name.lstrip("_").rpartition("_")
        if not prefix or role not in ROLES:
            continue
        for other in names - {name}:
            other_prefix, _, other_role = other.lstrip("_").rpartition("_")
            if other == role or other_role == role or (other_prefix == prefix and other_role):
                found.add(tuple(sorted((name, other))))
    return sorted(found)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            {"tool_forms", "tool_views", "replay_forms"},
            [("replay_forms", "tool_forms"), ("tool_forms", "tool_views")],
        ),
        ({"strategy_urls", "urls"}, [("strategy_urls", "urls")]),
        ({"page_cache", "numbers", "forms"}, []),
        ({"margin_modes", "margin_and_leverage", "_market", "_computation"}, []),
    ],
)
def test_the_prefix_check_finds_prefixed_siblings(names, expected):
    assert prefixed_siblings(names) == expected


def test_no_sibling_modules_are_told_apart_by_a_prefix():
    packages = defaultdict(set)
    for path in app_modules():
        if "management" not in path.parts:  # commands are named verb_noun, as Django's
            packages[path.parent].add(path.stem)
    found = {
        str(folder.relative_to(ROOT)): groups
        for folder, names in packages.items()
        if (groups := prefixed_siblings(names - {"__init__"}))
    }
    assert found == {}, f"give each concept its own module or package: {found}"
