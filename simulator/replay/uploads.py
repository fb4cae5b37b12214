"""Uploaded price paths: kept so that a replay's address can be shared, within limits.

An upload is stored under the hash of its points, so the same file twice is one
row. What one visitor may add is capped per hour, and so is what everyone together
may add, counted in the database so the caps hold across every worker and server.
A path no one has opened for `UNUSED_DAYS` is removed (`manage.py remove_unused_uploads`,
scheduled daily: docs/deploy.md). The uploader is kept only as a keyed hash of their
address, to count their uploads.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from simulator.engine import PathPoint
from simulator.engine.paths import as_json, from_json
from simulator.models import UploadedPath

UNUSED_DAYS = 30
# A use is written at most this often per path: reading a shared replay costs no write.
TOUCH_EVERY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class UploadRefused(Exception):
    message: str


KEY = re.compile(r"[0-9a-f]{32}")  # what upload_key gives


def upload_key(points: list[PathPoint]) -> str:
    data = as_json(points)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def uploader_of(request: HttpRequest) -> str:
    """Who uploads, as a keyed hash of their address (the one rule for a client's
    address, with the trusted proxies of docs/deploy.md, is allauth's)."""
    address = get_adapter().get_client_ip(request)
    return salted_hmac("replay-uploader", address, algorithm="sha256").hexdigest()


def upload_store(*, points: list[PathPoint], uploader: str) -> str:
    """Keep an uploaded path and return its key; refuse one past the hourly caps.

    A path already kept is only marked used: it adds nothing, so no cap applies."""
    key = upload_key(points)
    now = timezone.now()
    if UploadedPath.objects.filter(key=key).update(last_used=now):
        return key
    hour_ago = now - timedelta(hours=1)
    recent = UploadedPath.objects.filter(created__gte=hour_ago)
    per_visitor = settings.REPLAY_UPLOADS_PER_VISITOR_HOUR
    if recent.filter(uploader=uploader).count() >= per_visitor:
        raise UploadRefused(
            f"You have uploaded {per_visitor} new paths in the last hour, the most we keep "
            "for one visitor: try again later, or type the path's prices in the form"
        )
    if recent.count() >= settings.REPLAY_UPLOADS_PER_HOUR:
        raise UploadRefused(
            "Many paths have been uploaded in the last hour, more than we keep: try again "
            "later, or type the path's prices in the form"
        )
    UploadedPath.objects.get_or_create(
        key=key, defaults={"points": as_json(points), "uploader": uploader, "last_used": now}
    )
    return key


def uploaded_points(*, key: str) -> list[PathPoint] | None:
    """The points of an uploaded path, or None when it is not kept (or no longer)."""
    if not KEY.fullmatch(key):
        return None  # not a key we give out (PostgreSQL would refuse a NUL byte outright)
    row = UploadedPath.objects.filter(key=key).only("points", "last_used").first()
    if row is None:
        return None
    now = timezone.now()
    if row.last_used < now - TOUCH_EVERY:
        UploadedPath.objects.filter(key=row.key).update(last_used=now)
    return from_json(row.points)


def uploads_remove_unused(*, days: int = UNUSED_DAYS) -> int:
    """Remove the paths no one has opened for `days`; returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    removed, _ = UploadedPath.objects.filter(last_used__lt=cutoff).delete()
    return removed
