"""Shared by the Strategies pages' tests: each page's text, the figures as the pages
print them, and a ready-made path replayed exactly as the replay view replays it."""

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict

from core.numbers import money, number
from simulator.engine.replay import Event, EventKind, Replay
from simulator.replay.forms import ReplayForms

STRATEGIES = settings.CONTENT_DIR / "strategies"


def page(name: str) -> str:
    return (STRATEGIES / name).read_text(encoding="utf-8")


def about(value: Decimal) -> str:
    """An approximate price or count: 54,271."""
    return number(value, 0)


def cash(value: Decimal) -> str:
    """Money as the pages print it: $1,000, or $49.69."""
    return money(value, trim=True)


def one_place(fraction: Decimal) -> str:
    """A fraction as a percentage with one decimal: 9.5%."""
    return f"{number(fraction * 100, 1)}%"


def replayed(slug: str, **fields: str) -> tuple[Replay, Replay]:
    """The ready-made path `slug` replayed on its account, all isolated and all cross,
    through the replay view's own forms; `fields` override the path's, as in an address
    (account=s4-long-leg, funding=0.01). Needs the database (the loaded content)."""
    forms = ReplayForms(QueryDict(urlencode({"path": slug, **fields})))
    assert forms.outcome is not None, forms.errors
    isolated, cross = forms.outcome.modes
    assert (isolated.label, cross.label) == ("Isolated", "Cross")
    return isolated.result, cross.result


def liquidations(result: Replay) -> list[Event]:
    return [event for event in result.events if event.kind is EventKind.LIQUIDATION]


def payments(result: Replay) -> list[Event]:
    return [event for event in result.events if event.kind is EventKind.FUNDING]
