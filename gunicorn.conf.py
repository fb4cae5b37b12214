"""gunicorn settings for `make serve` and production.

Workers: one process per core plus one, so a worker waiting on the database
never leaves a core idle; each runs two threads for the same reason. Measured on
the 2-core machine by `make bench` (see bench/README.md). Override with
WEB_CONCURRENCY and GUNICORN_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 100_000
max_requests_jitter = 10_000
timeout = 30
graceful_timeout = 10
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # off unless asked: it costs throughput
