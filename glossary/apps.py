from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from core.page_cache import clear_page_cache


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self) -> None:
        from core.content import register_loader
        from glossary.content import load_glossary

        # Before the lessons, which link the terms when they are rendered.
        register_loader(name="glossary", order=15, load=load_glossary)
        for signal in (post_save, post_delete):
            signal.connect(
                _clear_page_cache, sender="glossary.Term", dispatch_uid="page-cache-glossary"
            )


def _clear_page_cache(**kwargs) -> None:
    clear_page_cache()
