"""gunicorn settings for `make serve` and production.

Two single-threaded workers per core. Measured with `make bench` on the 2-core
machine: 3 workers x 2 threads gave a 99th percentile of 580 ms under mixed
load (a thread holding SQLite's write lock waits for the GIL behind its
siblings), 4 workers x 1 thread gave 112 ms with the same throughput.
Override with WEB_CONCURRENCY and GUNICORN_THREADS (more threads suit
PostgreSQL and slow I/O better than SQLite).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# gthread even with one thread: it keeps idle keep-alive connections off the worker.
worker_class = "gthread"
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 100_000
max_requests_jitter = 10_000
timeout = 30
graceful_timeout = 10
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # off unless asked: it costs throughput
