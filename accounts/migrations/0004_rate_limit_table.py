"""The table allauth's rate limits are counted in (settings.RATE_LIMIT_CACHE, a
Django database cache), made by `migrate` wherever the site is deployed."""

from django.core.management import call_command
from django.db import migrations

TABLE = "academy_rate_limits"  # the LOCATION of settings.CACHES["ratelimit"]


def create(apps, schema_editor) -> None:
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_visitor_token_help_text")]

    operations = [migrations.RunPython(create, drop)]
