import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from lessons.models import Lesson

# A shared 2-core CI machine can stall any example past hypothesis's 200 ms deadline;
# a slow example is not a failed property.
hypothesis_settings.register_profile("academy", deadline=None, print_blob=True)
hypothesis_settings.load_profile("academy")

LESSON_4_URL = "/learn/beginner/isolated-vs-cross-margin/"


@pytest.fixture
def lesson_4(db) -> Lesson:
    """The flagship lesson, as the data migration loaded it."""
    return Lesson.objects.select_related("level").get(level__slug="beginner", number=4)


@pytest.fixture(autouse=True)
def empty_cache():
    """A cached page or rendering must not outlive the test whose data made it."""
    cache.clear()


@pytest.fixture(autouse=True)
def static_files_from_finders(settings):
    """Tests don't run collectstatic, so use the storage that needs no manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
