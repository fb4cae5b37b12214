from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.page_cache import clear_page_cache


class SimulatorConfig(AppConfig):
    name = "simulator"
    verbose_name = "Simulator"

    def ready(self) -> None:
        # Imported here: they need the app registry ready.
        from core.content import register_loader
        from simulator.content import load_paths, load_presets

        # Presets load first: lessons' widgets name them.
        register_loader(name="presets", order=10, load=load_presets)
        register_loader(name="paths", order=11, load=load_paths)  # they name presets
        for name, signal in [("save", post_save), ("delete", post_delete)]:
            signal.connect(
                _preset_changed, sender="simulator.Preset", dispatch_uid=f"preset-{name}"
            )
            signal.connect(_path_changed, sender="simulator.PricePath", dispatch_uid=f"path-{name}")


def _preset_changed(**kwargs) -> None:
    """The list of examples and every page showing a preset (the simulator's, lessons'
    widgets) change with it. Cleared again once committed, in case a request cached
    the old rows in between."""
    from simulator.selectors import clear_preset_cache

    for clear in (clear_preset_cache, clear_page_cache):
        clear()
        transaction.on_commit(clear)


def _path_changed(**kwargs) -> None:
    """The replay's list of paths and its pages change with a path."""
    from simulator.selectors import clear_path_cache

    for clear in (clear_path_cache, clear_page_cache):
        clear()
        transaction.on_commit(clear)
