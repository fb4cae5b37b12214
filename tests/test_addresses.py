"""Every address the site answers, by name: moving code between rooms must change none.

The table is the site's map as a visitor meets it (admin and allauth's own pages
aside): each URL name with its arguments, the address it reverses to, the room
(module) whose view answers it, and what an anonymous GET gets.
"""

import pytest
from django.urls import resolve, reverse

ADDRESSES = [
    ("home", {}, "/", "lessons.views", 200),
    ("lessons:index", {}, "/learn/", "lessons.views", 200),
    ("lessons:level", {"level_slug": "beginner"}, "/learn/beginner/", "lessons.views", 200),
    (
        "lessons:lesson",
        {"level_slug": "beginner", "lesson_slug": "isolated-vs-cross-margin"},
        "/learn/beginner/isolated-vs-cross-margin/",
        "lessons.views",
        200,
    ),
    ("strategies:index", {}, "/strategies/", "lessons.views", 200),
    (
        "strategies:page",
        {"lesson_slug": "hedged-pair"},
        "/strategies/hedged-pair/",
        "lessons.views",
        200,
    ),
    ("glossary:index", {}, "/glossary/", "glossary.views", 200),
    ("glossary:term", {"slug": "mark-price"}, "/glossary/mark-price/", "glossary.views", 200),
    ("quiz:index", {}, "/quiz/", "quiz.views", 200),
    ("quiz:history", {}, "/quiz/history/", "quiz.views", 200),
    ("quiz:check", {"question_id": 99999}, "/quiz/checks/99999/", "quiz.views", 404),
    ("quiz:resume", {"attempt_id": 1}, "/quiz/attempts/1/", "quiz.views", 404),
    (
        "quiz:question",
        {"attempt_id": 1, "number": 1},
        "/quiz/attempts/1/questions/1/",
        "quiz.views",
        404,
    ),
    ("quiz:results", {"attempt_id": 1}, "/quiz/attempts/1/results/", "quiz.views", 404),
    ("quiz:retry", {"attempt_id": 1}, "/quiz/attempts/1/retry/", "quiz.views", 405),
    (
        "quiz:detail",
        {"slug": "isolated-vs-cross-margin"},
        "/quiz/isolated-vs-cross-margin/",
        "quiz.views",
        200,
    ),
    ("simulator:index", {}, "/simulator/", "simulator.sandbox.views", 200),
    ("simulator:results", {}, "/simulator/results/", "simulator.sandbox.views", 405),
    ("simulator:positions", {}, "/simulator/positions/", "simulator.sandbox.views", 405),
    ("simulator:widget", {}, "/simulator/widget/", "simulator.sandbox.views", 400),
    ("simulator:methodology", {}, "/simulator/methodology/", "simulator.sandbox.views", 200),
    ("simulator:lesson_example", {}, "/simulator/lesson-example/", "simulator.sandbox.views", 302),
    ("simulator:replay", {}, "/simulator/replay/", "simulator.replay.views", 200),
    ("simulator:replay_step", {}, "/simulator/replay/step/", "simulator.replay.views", 302),
    ("simulator:replay_upload", {}, "/simulator/replay/upload/", "simulator.replay.views", 405),
    ("tools:index", {}, "/tools/", "simulator.tools.views", 200),
    ("tools:liquidation_price", {}, "/tools/liquidation-price/", "simulator.tools.views", 200),
    (
        "tools:liquidation_price_results",
        {},
        "/tools/liquidation-price/results/",
        "simulator.tools.views",
        302,
    ),
    ("tools:position_size", {}, "/tools/position-size/", "simulator.tools.views", 200),
    (
        "tools:position_size_results",
        {},
        "/tools/position-size/results/",
        "simulator.tools.views",
        302,
    ),
    ("tools:pnl", {}, "/tools/pnl/", "simulator.tools.views", 200),
    ("tools:pnl_results", {}, "/tools/pnl/results/", "simulator.tools.views", 302),
    ("tools:check", {}, "/tools/check/", "simulator.tools.check.views", 200),
    ("search:index", {}, "/search/", "search.views", 200),
    ("search:results", {}, "/search/results/", "search.views", 302),
    ("tools:check_results", {}, "/tools/check/results/", "simulator.tools.check.views", 302),
    ("tools:check_paste", {}, "/tools/check/paste/", "simulator.tools.check.views", 405),
    ("tools:collateral", {}, "/tools/collateral/", "simulator.tools.collateral.views", 200),
    (
        "tools:collateral_results",
        {},
        "/tools/collateral/results/",
        "simulator.tools.collateral.views",
        302,
    ),
    (
        "tools:collateral_widget",
        {},
        "/tools/collateral/widget/",
        "simulator.tools.collateral.views",
        400,  # a lesson's collateral simulator names its settings in the address
    ),
    ("progress:index", {}, "/progress/", "accounts.views", 200),
    ("progress:read", {"lesson_id": 1}, "/progress/read/1/", "accounts.views", 200),
    ("progress:review", {}, "/progress/review/", "accounts.views", 200),
    ("progress:review_next", {}, "/progress/review/next/", "accounts.views", 405),
    (
        "progress:review_question",
        {"attempt_id": 1},
        "/progress/review/1/",
        "accounts.views",
        404,
    ),
    ("accounts:index", {}, "/accounts/", "accounts.views", 302),
    ("accounts:data", {}, "/accounts/data/", "accounts.views", 200),
    ("accounts:data_download", {}, "/accounts/data/download/", "accounts.views", 200),
    ("accounts:delete", {}, "/accounts/data/delete/", "accounts.views", 200),
    ("accounts:deleted", {}, "/accounts/data/deleted/", "accounts.views", 200),
    ("healthz", {}, "/healthz", "academy.views", 200),
    ("robots_txt", {}, "/robots.txt", "academy.views", 200),
]


@pytest.mark.parametrize(("name", "kwargs", "address", "room", "status"), ADDRESSES)
def test_each_name_keeps_its_address_and_its_room(name, kwargs, address, room, status):
    assert reverse(name, kwargs=kwargs) == address
    assert resolve(address).func.__module__ == room


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "address", "room", "status"), ADDRESSES)
def test_each_address_answers_a_visitor_as_before(client, name, kwargs, address, room, status):
    assert client.get(address).status_code == status
