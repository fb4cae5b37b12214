from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from core.page_cache import clear_page_cache


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        from core.content import register_loader
        from lessons.content import load_lessons

        register_loader(name="lessons", order=20, load=load_lessons)
        # Cached pages show levels and lessons.
        for model_name in ["lessons.Level", "lessons.Lesson"]:
            for signal in (post_save, post_delete):
                signal.connect(
                    _clear_page_cache, sender=model_name, dispatch_uid=f"page-cache-{model_name}"
                )


def _clear_page_cache(**kwargs) -> None:
    clear_page_cache()
