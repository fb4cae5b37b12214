from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from core.page_cache import clear_page_cache


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        from core.content import register_loader
        from glossary import hooks
        from lessons.content import load_lessons, relink_lessons
        from lessons.selectors import lesson_links, lesson_slug_problems

        register_loader(name="lessons", order=20, load=load_lessons)
        # Lessons link glossary terms; the glossary names the lessons that teach them.
        hooks.register_lessons(problems=lesson_slug_problems, links=lesson_links)
        hooks.terms_changed.connect(relink_lessons, dispatch_uid="lessons-relink")
        # Cached pages show levels and lessons.
        for model_name in ["lessons.Level", "lessons.Lesson"]:
            for signal in (post_save, post_delete):
                signal.connect(
                    _clear_page_cache, sender=model_name, dispatch_uid=f"page-cache-{model_name}"
                )


def _clear_page_cache(**kwargs) -> None:
    clear_page_cache()
