"""Display formatting for the simulator: the engine never rounds, templates do."""

from decimal import Decimal

from django import template

from simulator import formatting
from simulator.forms import LessonExampleForm
from simulator.pages import lesson_example_results

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    return "—" if value is None else formatting.money(value)


@register.filter
def price(value: Decimal | None) -> str:
    return "none" if value is None else formatting.price(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """A fraction as a percentage: 0.0955 -> 9.55%."""
    return "—" if value is None else formatting.percent(value)


@register.inclusion_tag("simulator/lesson_widget.html", takes_context=True)
def lesson_simulator(context: template.Context) -> dict:
    """Lesson 4's compact simulator; without JavaScript its form reloads the lesson
    with ?btc_move=N, which this renders."""
    request = context["request"]
    form = LessonExampleForm(request.GET if "btc_move" in request.GET else None)
    default = form.fields["btc_move"].initial  # the lesson's 12% fall
    move = form.cleaned_data["btc_move"] if form.is_bound and form.is_valid() else default
    return {
        "request": request,
        "form": LessonExampleForm(initial={"btc_move": move}, auto_id="lesson-%s"),
        "results": lesson_example_results(move),
    }
