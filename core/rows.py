"""Model instances from rows of our own SQL, converted exactly as the ORM converts them.

For the few paths that run so often that building the query costs more than the
rest of the request (the quiz answer: quiz.selectors.answer_target). Everywhere
else, use the ORM.
"""

from functools import cache

from django.db import connections
from django.db.models import Model


def columns(model: type[Model], alias: str, using: str = "default") -> str:
    """Every concrete column of the model, for a SELECT list, in the order `from_row` reads."""
    quote = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    """How many values of a row `columns` selects."""
    return len(model._meta.concrete_fields)


def from_row(model: type[Model], values, using: str = "default") -> Model:
    """The instance for values selected with `columns`, as if the ORM had fetched it."""
    connection = connections[using]
    converted = []
    for value, (column, converters) in zip(values, _converters(model, connection), strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(using, [f.attname for f in model._meta.concrete_fields], converted)


@cache
def _converters(model: type[Model], connection) -> list[tuple]:
    # As the SQL compiler gathers them: the backend's, then the field's own.
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        found.append(
            (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        )
    return found
