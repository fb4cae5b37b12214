from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core.markdown import to_safe_html
from core.models import LoadedFromContent
from glossary import hooks

# The venues whose own names a term lists, in the order pages show them.
VENUES = {
    "binance": "Binance",
    "bybit": "Bybit",
    "okx": "OKX",
    "hyperliquid": "Hyperliquid",
    "dydx": "dYdX",
}


class Term(LoadedFromContent):
    """A glossary entry: content/glossary.yaml, or made in the admin."""

    slug = models.SlugField(max_length=80, unique=True)
    term = models.CharField(
        max_length=80, unique=True, error_messages={"unique": "Another term has this name."}
    )
    definition = models.CharField(
        max_length=300, help_text="One sentence, shown in the lessons' popovers and the index."
    )
    explanation = models.TextField(help_text="Markdown: the term's page.")
    explanation_html = models.TextField(editable=False, blank=True)
    synonyms = models.JSONField(
        default=list, blank=True, help_text='Other names, linked too: ["mark", "fair price"].'
    )
    venue_names = models.JSONField(
        default=dict,
        blank=True,
        help_text='Each venue\'s own name where it differs: {"bybit": "risk limit"}. '
        f"Venues: {', '.join(VENUES)}.",
    )
    lessons = models.JSONField(
        default=list,
        blank=True,
        help_text="Slugs of the lessons that teach it; it is not linked in them.",
    )

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("glossary:term", kwargs={"slug": self.slug})

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.synonyms)

    @property
    def venue_rows(self) -> list[tuple[str, str]]:
        """(venue, its name for the term), in VENUES' order."""
        return [(VENUES[key], self.venue_names[key]) for key in VENUES if key in self.venue_names]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not isinstance(self.synonyms, list) or not all(
            isinstance(name, str) and name.strip() for name in self.synonyms
        ):
            errors["synonyms"] = ['must be a list of names, like ["mark", "fair price"]']
        if not isinstance(self.venue_names, dict) or not all(
            key in VENUES and isinstance(name, str) and name.strip()
            for key, name in self.venue_names.items()
        ):
            errors["venue_names"] = [f"must map venues ({', '.join(VENUES)}) to names"]
        if not isinstance(self.lessons, list) or not all(
            isinstance(slug, str) for slug in self.lessons
        ):
            errors["lessons"] = ["must be a list of lesson slugs"]
        else:
            errors["lessons"] = hooks.lesson_problems(self.lessons)
        if isinstance(self.synonyms, list) and not errors.get("synonyms"):
            errors["synonyms"] = self._taken_names()
        errors = {name: messages for name, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)

    def _taken_names(self) -> list[str]:
        mine = [name.casefold() for name in self.names]
        clashes = []
        for other in Term.objects.exclude(pk=self.pk).only("term", "synonyms"):
            for name in other.names:
                if isinstance(name, str) and name.casefold() in mine:
                    clashes.append(f"“{name}” is already a name of the term “{other.term}”")
        return clashes

    def save(self, **kwargs) -> None:
        self.explanation_html, _ = to_safe_html(self.explanation)
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "explanation_html"}
        super().save(**kwargs)
