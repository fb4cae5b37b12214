from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from lessons.rendering import RenderedBody, render_markdown


class Level(models.Model):
    """A stage of the learning path, such as Beginner."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order on the Learn page.")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lessons:level", kwargs={"level_slug": self.slug})


class LessonQuerySet(models.QuerySet):
    def published(self) -> "LessonQuerySet":
        return self.filter(is_published=True)


class Lesson(models.Model):
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="lessons")
    number = models.PositiveSmallIntegerField(help_text="Position within the level, from 1.")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, help_text="One sentence shown under the title.")
    body = models.TextField(
        help_text=(
            "Markdown. Sections are ## headings with ids, e.g. "
            "'## Cross margin {#cross-margin}'. Call-outs: '!!! warning \"Title\"'."
        )
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["level__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["level", "number"], name="unique_lesson_number"),
            models.UniqueConstraint(fields=["level", "slug"], name="unique_lesson_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "lessons:lesson", kwargs={"level_slug": self.level.slug, "lesson_slug": self.slug}
        )

    @cached_property
    def rendered(self) -> RenderedBody:
        return render_markdown(self.body)
