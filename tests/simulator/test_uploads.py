"""Uploaded price paths within limits: per visitor and per hour, counted in the database
(so every worker sees them), and removed when no one has opened them for 30 days."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from simulator.models import UploadedPath

pytestmark = pytest.mark.django_db

URL = "/simulator/replay/upload/"


def csv_ending_at(price: int) -> bytes:
    return f"time,symbol,price\n0,BTC,60000\n1,BTC,{price}\n".encode()


def upload(client, price: int, *, address: str = "198.51.100.7", **fields):
    file = SimpleUploadedFile("path.csv", csv_ending_at(price), content_type="text/csv")
    data = {"account": "two-isolated", "funding": "0%", **fields, "file": file}
    return client.post(URL, data, REMOTE_ADDR=address)


def test_one_visitor_may_add_only_so_many_paths_an_hour(client, settings):
    settings.REPLAY_UPLOADS_PER_VISITOR_HOUR = 2
    assert upload(client, 59000).status_code == 303
    assert upload(client, 58000).status_code == 303
    refused = upload(client, 57000, symbol="BTC", hours="4")
    assert refused.status_code == 429
    assert "You have uploaded 2 new paths in the last hour" in refused.content.decode()
    assert UploadedPath.objects.count() == 2
    # What was chosen is kept on the page that says why.
    page = refused.content.decode()
    assert 'name="hours" value="4"' in page
    # Another visitor is not held back, and a path already kept adds nothing.
    assert upload(client, 57000, address="203.0.113.9").status_code == 303
    assert upload(client, 59000).status_code == 303
    assert UploadedPath.objects.count() == 3


def test_everyone_together_may_add_only_so_many_paths_an_hour(client, settings):
    settings.REPLAY_UPLOADS_PER_HOUR = 2
    assert upload(client, 59000, address="198.51.100.1").status_code == 303
    assert upload(client, 58000, address="198.51.100.2").status_code == 303
    refused = upload(client, 57000, address="198.51.100.3")
    assert refused.status_code == 429
    assert "Many paths have been uploaded in the last hour" in refused.content.decode()
    assert UploadedPath.objects.count() == 2


def test_an_hour_later_the_visitor_may_upload_again(client, settings):
    settings.REPLAY_UPLOADS_PER_VISITOR_HOUR = 1
    assert upload(client, 59000).status_code == 303
    UploadedPath.objects.update(created=timezone.now() - timedelta(minutes=61))
    assert upload(client, 58000).status_code == 303


def test_the_uploader_is_kept_only_as_a_keyed_hash(client):
    upload(client, 59000, address="198.51.100.7")
    row = UploadedPath.objects.get()
    assert "198.51.100.7" not in row.uploader
    assert len(row.uploader) == 64


def test_paths_unopened_for_30_days_are_removed_and_opening_one_keeps_it(client):
    old = upload(client, 59000)["Location"]
    upload(client, 58000)
    long_ago = timezone.now() - timedelta(days=31)
    UploadedPath.objects.update(last_used=long_ago)
    # Opening the first replay marks its path used.
    assert client.get(old).status_code == 200
    call_command("remove_unused_uploads")
    key = parse_qs(urlparse(old).query)["upload"][0]
    assert list(UploadedPath.objects.values_list("key", flat=True)) == [key]


def test_the_removal_command_refuses_a_nonsense_age():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("remove_unused_uploads", days=0)


def test_a_removed_path_asks_for_the_file_again(client):
    location = upload(client, 59000)["Location"]
    UploadedPath.objects.all().delete()
    response = client.get(location)
    assert (
        "That uploaded path is no longer here: upload the file again." in response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["\x00", "x" * 40, "ABCDEF0123456789ABCDEF0123456789", "'; --"])
def test_an_upload_key_we_never_gave_out_is_not_looked_up(client, key):
    # PostgreSQL refuses a NUL byte in a query outright (a 500 before this check).
    from simulator.replay.uploads import uploaded_points

    assert uploaded_points(key=key) is None
    response = client.get("/simulator/replay/", {"account": "two-isolated", "upload": key})
    assert response.status_code < 500
    assert "no longer here" in response.content.decode()
