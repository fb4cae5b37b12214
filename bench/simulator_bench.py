"""Server time of the simulator's three kinds of response, in-process.

Times Django's full request handling (middleware, forms, engine, templates)
through the test client, with debug off:
- a plain page render of a shared scenario URL (GET, the whole page),
- an htmx results request (POST, the results partial only), and
- a lesson widget's htmx fragment (GET, one slider value),
each computed afresh (the cache emptied before every request) and from the
cache (the same scenario again). Prints medians.
Needs the database migrated and the content loaded (`manage.py load_content`).
Run: .venv/bin/python bench/simulator_bench.py
"""

import statistics
import time
from urllib.parse import urlencode

import inprocess  # noqa: F401  first: sets Django up for a bench  # isort: split
from django.core.cache import cache
from django.test import Client

from simulator.selectors import preset_data

REPEATS = 300


def median_ms(call, *, fresh: bool) -> float:
    for _ in range(20):  # warm imports and template loading
        call()
    samples = []
    for _ in range(REPEATS):
        if fresh:
            cache.clear()
        start = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples) * 1000


def main() -> None:
    client = Client()
    data = preset_data("two-isolated").dict()
    share_url = client.post("/simulator/", data)["Location"]
    body = urlencode(data)
    form = "application/x-www-form-urlencoded"

    def page():
        return client.get(share_url)

    def partial():
        return client.post("/simulator/results/", body, content_type=form, HTTP_HX_REQUEST="true")

    widget = "/simulator/widget/?preset=two-isolated&control=move:BTC&min=-60&max=0&id=btc-move"

    def fragment():
        return client.get(f"{widget}&btc_move=-20", HTTP_HX_REQUEST="true")

    print(f"median of {REPEATS} requests each, lesson 4's two positions:")
    print(f"  {'':36} {'computed':>9} {'cached':>9}")
    for label, call in [
        ("plain page render (GET shared URL)", page),
        ("htmx results (POST)", partial),
        ("htmx lesson widget (GET)", fragment),
    ]:
        fresh, cached = median_ms(call, fresh=True), median_ms(call, fresh=False)
        print(f"  {label:36} {fresh:6.2f} ms {cached:6.2f} ms")


if __name__ == "__main__":
    main()
