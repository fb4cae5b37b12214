"""Reading presets. Every simulator page and lesson widget asks, so the list is kept
in the cache; saving or deleting a preset clears it (see apps.py)."""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.http import QueryDict

from core.page_cache import PAGE_CACHE_SECONDS
from simulator.models import Preset, PricePath

CACHE_KEY = "simulator-presets"
PATHS_CACHE_KEY = "simulator-paths"


@dataclass(frozen=True, slots=True)
class PresetData:
    slug: str
    title: str
    data: dict[str, str]  # the simulator's form data
    digest: str  # of the data: outcomes cached from a preset are keyed by it

    def form_data(self) -> QueryDict:
        data = QueryDict(mutable=True)
        data.update(self.data)
        return data


def _data(row: Preset) -> PresetData:
    digest = hashlib.sha256(json.dumps(row.data, sort_keys=True).encode()).hexdigest()
    return PresetData(slug=row.slug, title=row.title, data=row.data, digest=digest)


def _from_database() -> dict[str, PresetData]:
    return {row.slug: _data(row) for row in Preset.objects.only("slug", "title", "data")}


def presets() -> dict[str, PresetData]:
    """Every preset by slug, in the order of the list of examples."""
    return cache.get_or_set(CACHE_KEY, _from_database, PAGE_CACHE_SECONDS)


def preset(slug: str) -> PresetData | None:
    return presets().get(slug)


def preset_data(slug: str) -> QueryDict | None:
    """The preset's scenario as the simulator's form data, or None if there is none."""
    found = preset(slug)
    return None if found is None else found.form_data()


def stored_preset(slug: str) -> PresetData | None:
    """The preset as the database has it now, past the cache: for checking content
    in the middle of a load, whose writes the cache must not keep if it rolls back."""
    row = Preset.objects.filter(slug=slug).only("slug", "title", "data").first()
    return None if row is None else _data(row)


def stored_slugs() -> list[str]:
    return list(Preset.objects.values_list("slug", flat=True))


def clear_preset_cache() -> None:
    cache.delete(CACHE_KEY)


@dataclass(frozen=True, slots=True)
class PathData:
    slug: str
    title: str
    description: str
    account: str
    data: dict[str, str]  # the replay form's path fields
    market: dict  # illustrative: the fund and the traders around the account; {} for none


def _paths_from_database() -> dict[str, PathData]:
    fields = ("slug", "title", "description", "account", "data", "market")
    return {
        row.slug: PathData(row.slug, row.title, row.description, row.account, row.data, row.market)
        for row in PricePath.objects.only(*fields)
    }


def path_presets() -> dict[str, PathData]:
    """Every ready-made price path by slug, in the order of the list."""
    return cache.get_or_set(PATHS_CACHE_KEY, _paths_from_database, PAGE_CACHE_SECONDS)


def path_preset(slug: str) -> PathData | None:
    return path_presets().get(slug)


def clear_path_cache() -> None:
    cache.delete(PATHS_CACHE_KEY)
