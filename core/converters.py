"""The `id` path converter: a row's number in a URL, as far as the database can hold one.

Django's `int` takes any run of digits, and a number past a 64-bit integer made the
database driver fail (OverflowError, a 500) instead of finding nothing. One past the
range here matches no URL: a 404.
"""

from django.urls.converters import IntConverter

LARGEST = 2**63 - 1  # a BigAutoField's, and the largest integer SQLite and PostgreSQL store


class DatabaseIdConverter(IntConverter):
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST:
            raise ValueError(f"{value} is past the database's integers")
        return number
