"""What the in-process benches share: Django set up for a bench, and a database of its own.

Import it before anything of Django's or ours: it puts the project on the path and sets
Django up with debug off and plain static files (nothing collected, no manifest).
"""

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def clear_every_cache() -> None:
    for alias in settings.CACHES:
        caches[alias].clear()


@contextlib.contextmanager
def content_database() -> Iterator[None]:
    """A database made for the run, the content loaded, dropped after it.

    No test environment: it would slow every render down.
    """
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from core.content import load_content

        load_content(settings.CONTENT_DIR)
        yield
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
