"""Continue where you left off: on the home and Learn pages of a returning visitor, the
next step on the path and the questions due for review (lessons.registry signpost)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts import clock, selectors, services
from quiz.visitors import owner_from_request


class ContinueSignpost:
    def render(self, *, request: HttpRequest) -> str:
        owner = owner_from_request(request)
        if owner is None:
            return ""
        at = clock.now()
        items = services.review_sync(owner=owner, at=at)
        progress = selectors.progress_for(owner=owner, review=items, at=at)
        unread = (
            record.lesson
            for level in progress.levels
            if level.level.is_track
            for record in level.lessons
            if not record.read
        )
        next_read = next(unread, None)
        if next_read is not None and progress.next_step and progress.next_step.url == next_read.url:
            next_read = None  # the next step already says it
        context = {"step": progress.next_step, "next_read": next_read, "review": progress.review}
        return render_to_string("accounts/_continue.html", context, request=request)
