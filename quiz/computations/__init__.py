"""What numeric questions can ask: a small registry of computations on the margin engine.

A computation takes one attempt's figures, builds an engine `Account` from them
and returns the answer, the value each common mistake it can detect would give
for these figures, and working values an explanation may quote. It declares its
figures, its mistakes and its working values with labels for authors; the words
a learner reads (prompt, explanation, feedback on each mistake) are content
(the quiz files), never here. Nothing here computes margin itself: the engine does.

Each module of this package holds the computations of one concept (funding, fees,
the mark price, ...) in a tuple named COMPUTATIONS; the registry below gathers them
all, so a new concept is a new module and nothing else changes. Modules whose name
starts with "_" hold what the concepts share: what a computation is (_computation)
and the lessons' market (_market).
"""

import importlib
import pkgutil

from django.core.exceptions import ImproperlyConfigured

from quiz.computations._computation import (
    ANSWER_FORMATS,
    Computation,
    Figures,
    Quantity,
    Result,
    Unusable,
    number_of,
)

__all__ = [
    "COMPUTATIONS",
    "Computation",
    "Figures",
    "Quantity",
    "Result",
    "Unusable",
    "computation_choices",
    "number_of",
]


def _gather() -> dict[str, Computation]:
    found: dict[str, Computation] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        for computation in importlib.import_module(f"{__name__}.{module.name}").COMPUTATIONS:
            if computation.key in found:
                raise ImproperlyConfigured(f"Two computations are called {computation.key!r}")
            if computation.answer_format not in ANSWER_FORMATS:
                raise ImproperlyConfigured(
                    f"{computation.key}: answer_format must be one of {', '.join(ANSWER_FORMATS)}"
                )
            found[computation.key] = computation
    return found


COMPUTATIONS: dict[str, Computation] = _gather()


def computation_choices() -> list[tuple[str, str]]:
    """The model field's choices; a callable, so a new computation needs no migration."""
    return [(key, computation.label) for key, computation in COMPUTATIONS.items()]
