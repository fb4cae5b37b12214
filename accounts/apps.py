from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """A learner's own record: progress through the lessons, review of what they
    missed, their data; kept against the browser's token, and in an account once they have one."""

    name = "accounts"
    verbose_name = "Learners"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from accounts.limits import count_in_shared_cache
        from accounts.sections import LessonProgressSection
        from accounts.signals import claim_on_log_in, read_on_quiz_start
        from accounts.signposts import ContinueSignpost
        from lessons.registry import register_section, register_signpost

        count_in_shared_cache()
        register_section("progress", LessonProgressSection())
        register_signpost("continue", ContinueSignpost())
        user_logged_in.connect(claim_on_log_in, dispatch_uid="accounts-claim-on-log-in")
        post_save.connect(
            read_on_quiz_start, sender="quiz.Attempt", dispatch_uid="accounts-read-on-quiz-start"
        )
