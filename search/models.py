"""The search index: one row per thing a learner can find (a lesson, a strategy, a glossary
term, a Tool), rebuilt from the content whenever it is saved."""

from django.db import models


class Entry(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        STRATEGY = "strategy", "Strategy"
        TERM = "term", "Glossary term"
        TOOL = "tool", "Tool"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    place = models.CharField(max_length=120, help_text="Where it lives: its level, or Tools.")
    url = models.CharField(max_length=300)
    terms = models.TextField(blank=True, help_text="Other names it goes by.")
    text = models.TextField(help_text="Its words, as plain text.")
    position = models.PositiveIntegerField(help_text="Its order in the academy.")

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
