from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from core.models import LoadedFromContent
from lessons.registry import embed_problems
from lessons.rendering import (
    RenderedBody,
    from_stored,
    render_markdown,
    source_hash,
    stored_fields,
)

# What a lesson keeps of its body, rendered (lessons.rendering.stored_fields).
RENDERED_FIELDS = ("body_html", "headings", "reading_minutes", "rendered_hash")


class Level(LoadedFromContent):
    """A stage of the learning path, such as Beginner, or the Strategies section."""

    class Kind(models.TextChoices):
        TRACK = "track", "A level of lessons, under Learn"
        STRATEGIES = "strategies", "Strategies, a section of its own"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRACK)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order on the Learn page.")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.STRATEGIES:
            return reverse("strategies:index")
        return reverse("lessons:level", kwargs={"level_slug": self.slug})

    @property
    def item_label(self) -> str:
        """What one of its pages is called: "Lesson" or "Strategy"."""
        return "Strategy" if self.kind == self.Kind.STRATEGIES else "Lesson"


class LessonQuerySet(models.QuerySet):
    def published(self) -> "LessonQuerySet":
        return self.filter(is_published=True)


class Lesson(LoadedFromContent):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="lessons")
    number = models.PositiveSmallIntegerField(help_text="Position within the level, from 1.")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, help_text="One sentence shown under the title.")
    body = models.TextField(
        help_text=(
            "Markdown. Sections are ## headings with ids, e.g. "
            "'## Cross margin {#cross-margin}'. Call-outs: '!!! warning \"Title\"'. "
            "A compact simulator: a line such as '[[simulator preset=two-isolated "
            "control=move:BTC min=-60 max=0]]' (see docs/authoring.md)."
        )
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The body rendered when saved, so no page converts Markdown (lessons.rendering).
    body_html = models.TextField(
        editable=False, blank=True, help_text="The body as safe HTML, each embed line a marker."
    )
    headings = models.JSONField(editable=False, default=list, help_text="For the page's contents.")
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    rendered_hash = models.CharField(
        max_length=64,
        editable=False,
        blank=True,
        help_text="Hash of the body and renderer version the HTML was made from.",
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["level__position", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "number"],
                name="unique_lesson_number",
                violation_error_message="Another lesson in this level has this number.",
            ),
            models.UniqueConstraint(
                fields=["level", "slug"],
                name="unique_lesson_slug",
                violation_error_message="Another lesson in this level has this slug.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        if self.level.kind == Level.Kind.STRATEGIES:
            return reverse("strategies:page", kwargs={"lesson_slug": self.slug})
        return reverse(
            "lessons:lesson", kwargs={"level_slug": self.level.slug, "lesson_slug": self.slug}
        )

    def clean(self) -> None:
        problems = embed_problems(self.body)
        if problems:
            raise ValidationError({"body": problems})

    def save(self, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        if (fields is None or "body" in fields) and self.render_body() and fields is not None:
            kwargs["update_fields"] = {*fields, *RENDERED_FIELDS}
        super().save(**kwargs)

    def render_body(self) -> bool:
        """Render the body into the stored fields, unless they were made from this
        body by this renderer; whether it did."""
        if self.rendered_hash == source_hash(self.body):
            return False
        for name, value in stored_fields(self.body, lesson_slug=self.slug).items():
            setattr(self, name, value)
        self.__dict__.pop("rendered", None)
        return True

    @cached_property
    def rendered(self) -> RenderedBody:
        """The body for its page, as stored."""
        if self.rendered_hash != source_hash(self.body):
            # Not saved since the renderer changed: the next load_content stores it.
            return render_markdown(self.body)
        return from_stored(
            html=self.body_html,
            headings=self.headings,
            reading_minutes=self.reading_minutes,
            text=self.body,
        )
