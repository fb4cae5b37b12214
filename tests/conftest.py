import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections
from hypothesis import settings as hypothesis_settings

from lessons.models import Lesson

# A shared 2-core CI machine can stall any example past hypothesis's 200 ms deadline;
# a slow example is not a failed property.
hypothesis_settings.register_profile("academy", deadline=None, print_blob=True)
hypothesis_settings.load_profile("academy")

LESSON_4_URL = "/learn/beginner/isolated-vs-cross-margin/"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the shipped content, loaded as `make run` loads it.

    Transactional tests (the browser's) flush the database and restore what was
    serialized when it was created, so serialize again once the content is in.
    """
    from core.content import load_content

    with django_db_blocker.unblock():
        load_content(settings.CONTENT_DIR)
        for connection in connections.all():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def lesson_4(db) -> Lesson:
    """The flagship lesson, as `load_content` loaded it."""
    return Lesson.objects.select_related("level").get(level__slug="beginner", number=4)


@pytest.fixture
def content(tmp_path):
    """A copy of the shipped content folder, to change."""
    from tests.content_files import copy_content

    return copy_content(tmp_path)


@pytest.fixture(autouse=True)
def empty_cache(request):
    """A cached page or rendering, or a rate limit's count, must not outlive the test
    whose data made it."""
    for each in caches.all():
        if not isinstance(each, DatabaseCache):
            each.clear()
    # The rate limits' table: a test in a transaction rolls back what it counted; one
    # that commits (the browser's) starts from an empty table, as flushing leaves it
    # alone (no model of ours).
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        caches[settings.RATE_LIMIT_CACHE].clear()


@pytest.fixture(autouse=True)
def static_files_from_finders(settings):
    """Tests don't run collectstatic, so use the storage that needs no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
