"""What the index holds, read from where it lives: the published lessons and strategies,
and the Tools. Each source gives `Document`s in the academy's order."""

from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

from django.urls import reverse
from django.utils.html import strip_tags

from glossary.models import Term
from lessons.models import Lesson, Level


@dataclass(frozen=True, slots=True)
class Document:
    kind: str
    title: str
    place: str
    url: str
    text: str
    terms: str = ""


def plain(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def lesson_documents() -> Iterator[Document]:
    lessons = (
        Lesson.objects.published().select_related("level").order_by("level__position", "number")
    )
    for lesson in lessons:
        strategy = lesson.level.kind == Level.Kind.STRATEGIES
        yield Document(
            kind="strategy" if strategy else "lesson",
            title=lesson.title,
            place=lesson.level.name if strategy else f"{lesson.level.name}, lesson {lesson.number}",
            url=lesson.get_absolute_url(),
            text=f"{lesson.summary} {plain(lesson.body_html)}",
        )


def term_documents() -> Iterator[Document]:
    for term in Term.objects.order_by("term"):
        names = [*term.synonyms, *term.venue_names.values()]
        yield Document(
            kind="term",
            title=term.term,
            place="Glossary",
            url=term.get_absolute_url(),
            text=f"{term.definition} {plain(term.explanation_html)}",
            terms=", ".join(names),
        )


# The Tools, as their index page describes them.
TOOLS = [
    (
        "Liquidation price",
        "tools:liquidation_price",
        "At what price is my position liquidated on Binance, Bybit, OKX, Hyperliquid or dYdX, "
        "with the exchange's tiers, fees and funding, and why does my exchange show a "
        "different number from the textbook?",
        "liquidation calculator, bankruptcy price",
    ),
    (
        "Position size from risk",
        "tools:position_size",
        "How big a position can I open so that hitting my stop costs only the share of my "
        "account I chose, fees included?",
        "risk calculator, stop loss, position sizing",
    ),
    (
        "PnL and return on margin",
        "tools:pnl",
        "What does a trade make or lose once fees and funding are paid, and what is that on "
        "the margin I put up?",
        "profit and loss calculator, ROE, return on equity",
    ),
    (
        "Check my position",
        "tools:check",
        "Paste what your exchange returns for your positions, or type the figures: its "
        "liquidation price beside ours, and why they differ.",
        "compare liquidation price, exchange API, positionRisk, clearinghouseState",
    ),
    (
        "Collateral in several assets",
        "tools:collateral",
        "What your coins count as margin on Binance's Multi-Assets Mode and Bybit's Unified "
        "Trading Account, after each one's haircut, and your account's margin ratio.",
        "collateral value ratio, haircut, multi-assets mode, unified trading account",
    ),
    (
        "Margin simulator",
        "simulator:index",
        "Set up an account and several positions, move the prices, and see isolated and "
        "cross margin side by side.",
        "simulator, sandbox, isolated vs cross",
    ),
    (
        "Replay",
        "simulator:replay",
        "Follow an account along a price path, step by step: funding, liquidations and the "
        "insurance fund.",
        "price path, crash, backtest",
    ),
]


def tool_documents() -> Iterator[Document]:
    for title, name, text, terms in TOOLS:
        yield Document(
            kind="tool", title=title, place="Tools", url=reverse(name), text=text, terms=terms
        )


SOURCES = (lesson_documents, term_documents, tool_documents)
