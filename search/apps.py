from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from core.content import register_loader
        from search.services import index_rebuild, index_rebuild_on_commit

        # After every other loader: the index is built from what they loaded.
        register_loader(name="search", order=90, load=lambda run: index_rebuild())
        # An admin edit of what the index holds rebuilds it once the edit is saved.
        for model_name in ["lessons.Level", "lessons.Lesson", "glossary.Term"]:
            for signal in (post_save, post_delete):
                signal.connect(
                    index_rebuild_on_commit, sender=model_name, dispatch_uid=f"search-{model_name}"
                )
