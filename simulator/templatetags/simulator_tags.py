"""Display formatting for the simulator: the engine never rounds, templates do."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from simulator import services
from simulator.forms import LessonExampleForm
from simulator.pages import calculated_page, lesson_example_data

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return services.money(value)


@register.filter
def price(value: Decimal | None) -> str:
    """Prices with two decimals, or up to eight for prices below one dollar."""
    if value is None:
        return "none"
    places = Decimal("0.01") if abs(value) >= 1 else Decimal("0.00000001")
    return f"{value.quantize(places, rounding=ROUND_HALF_UP):,}"


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage: 0.0955 -> 9.55%."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(CENT, rounding=ROUND_HALF_UP):,}%"


@register.filter
def quantity(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.00000001'), rounding=ROUND_HALF_UP).normalize():,f}"


@register.inclusion_tag("simulator/lesson_widget.html", takes_context=True)
def lesson_simulator(context: template.Context) -> dict:
    """Lesson 4's compact simulator; without JavaScript its form returns here with
    ?btc_move=N, which this renders."""
    request = context["request"]
    form = LessonExampleForm(request.GET if "btc_move" in request.GET else None)
    move = form.cleaned_data["btc_move"] if form.is_bound and form.is_valid() else -12
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "simulation": calculated_page(lesson_example_data(move)).simulation,
        "move": move,
    }
