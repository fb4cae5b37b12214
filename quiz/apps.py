from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save

from core.page_cache import clear_page_cache


class QuizConfig(AppConfig):
    name = "quiz"
    verbose_name = "Quiz"

    def ready(self) -> None:
        from core.content import register_loader
        from lessons.registry import register_embed, register_section
        from quiz.checks import CheckEmbed, load_check_embeds
        from quiz.content import load_quizzes
        from quiz.sections import LessonQuizSection

        # Quiz files after the lessons (20) they belong to.
        register_loader(name="quizzes", order=30, load=load_quizzes)
        register_loader(name="check embeds", order=35, load=load_check_embeds)
        register_embed("check", CheckEmbed())
        register_section("quiz", LessonQuizSection())
        # Logging out leaves no token behind, as flushing the session leaves no data.
        user_logged_out.connect(_forget_visitor, dispatch_uid="quiz-forget-visitor")
        # Cached lesson pages show their quiz and its question count.
        for model_name in ["quiz.Quiz", "quiz.Question", "quiz.Choice"]:
            for signal in (post_save, post_delete):
                signal.connect(
                    _clear_page_cache, sender=model_name, dispatch_uid=f"page-cache-{model_name}"
                )


def _clear_page_cache(**kwargs) -> None:
    clear_page_cache()


def _forget_visitor(sender, request, **kwargs) -> None:
    from quiz.visitors import visitor_forget

    if request is not None:
        visitor_forget(request)
