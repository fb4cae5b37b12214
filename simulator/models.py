from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.models import LoadedFromContent


class Preset(LoadedFromContent):
    """A ready-made scenario: the simulator's form data, as its own form would post it.

    Loaded from content/presets.yaml; lessons link to `/simulator/?preset=<slug>`
    and their simulator widgets start from one.
    """

    slug = models.SlugField(unique=True, help_text="Its address: /simulator/?preset=<slug>.")
    title = models.CharField(max_length=200, help_text="The link text in the list of examples.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Place in the list of examples.")
    data = models.JSONField(
        help_text=(
            "The simulator's form fields and their values as text, as the simulator's "
            'address has them: {"balance": "5000", "mode": "isolated", ...}. Easiest to '
            "set up in the simulator and copy from its “Link to this scenario”."
        )
    )

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('simulator:index')}?preset={self.slug}"

    def clean(self) -> None:
        # The simulator's own check: its forms, then the engine.
        if not isinstance(self.data, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in self.data.items()
        ):
            raise ValidationError(
                {"data": 'Give each field\'s value as text, like {"balance": "5000"}.'}
            )
        # The sandbox judges a scenario; asked through its app, since it reads this module.
        problems = apps.get_app_config("sandbox").scenario_problems(self.data)
        # A wallet beside the positions is the collateral simulator's, judged by the Tools.
        problems += apps.get_app_config("tools").wallet_problems(self.data)
        if problems:
            raise ValidationError({"data": problems})


class PricePath(LoadedFromContent):
    """A ready-made price path for the replay: /simulator/replay/?path=<slug>.

    Loaded from content/paths.yaml. `data` is the replay form's path fields as text
    (moves, steps, hours, funding), as its address has them; `account` names the
    preset whose positions it replays when the address names none.
    """

    slug = models.SlugField(unique=True, help_text="Its address: /simulator/replay/?path=<slug>.")
    title = models.CharField(max_length=200, help_text="The link text in the list of paths.")
    description = models.TextField(blank=True, help_text="One or two sentences: what happens.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Place in the list of paths.")
    account = models.SlugField(
        help_text="The simulator preset whose account it replays by default, e.g. two-isolated."
    )
    data = models.JSONField(
        help_text='The path as the replay form takes it: {"moves": "0%, -12%, -50%", '
        '"steps": "12", "hours": "1", "funding": "0%"}.'
    )
    market = models.JSONField(
        default=dict,
        blank=True,
        help_text="Illustrative: the insurance fund and the other traders around the account "
        '(content/paths.yaml\'s market:), as {"illustrative": ..., "fund": ..., "traders": '
        '[...], "shortfalls": [...]}; empty for none.',
    )

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('simulator:replay')}?path={self.slug}"

    def clean(self) -> None:
        # The replay judges a path; asked through its app, since it reads this module.
        problems = apps.get_app_config("replay").path_problems(
            account=self.account, data=self.data, market=self.market or None
        )
        if problems:
            raise ValidationError(problems)


class UploadedPath(models.Model):
    """A price path uploaded as CSV, kept so that its replay has an address to share.

    Keyed by the hash of its points: the same file uploaded twice is one row. Limits
    and removal when unused: simulator/replay/uploads.py.
    """

    key = models.CharField(max_length=32, primary_key=True)
    points = models.JSONField()
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    last_used = models.DateTimeField(default=timezone.now, db_index=True)
    # A keyed hash of the uploader's address, to cap what one visitor adds per hour.
    uploader = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"Uploaded path {self.key}"
