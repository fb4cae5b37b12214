from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: numbers, the page cache, forms' error summary, content loading.

    It imports no other app of ours; the others import it.
    """

    name = "core"
    verbose_name = "Core"
