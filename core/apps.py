from django.apps import AppConfig
from django.urls import register_converter

from core.converters import DatabaseIdConverter


class CoreConfig(AppConfig):
    """What every app shares: numbers, the page cache, forms' error summary, content loading.

    It imports no other app of ours; the others import it.
    """

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        register_converter(DatabaseIdConverter, "id")
