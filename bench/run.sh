#!/usr/bin/env bash
# `make bench`: start `make serve` on a spare port, wait for /healthz, run the
# load benchmark against it, and stop the server whatever happens.
set -euo pipefail
port=${BENCH_PORT:-8300}
log=$(mktemp)
setsid make --no-print-directory serve PORT="$port" >"$log" 2>&1 &
server=$!
trap 'kill -- -"$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log"; exit 1; }
# The load script prepares quiz attempts in the server's database and settings.
status=0
DJANGO_SECRET_KEY="$(cat .serve-secret)" DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
  .venv/bin/python bench/load.py --url "http://127.0.0.1:$port" "$@" || status=$?
.venv/bin/python bench/cold_render.py || status=$?  # in-process: pages with every cache empty
.venv/bin/python bench/search_bench.py || status=$?  # in-process: the search selector and page
# What the server logged as going wrong during the run, if anything.
grep -E "ERROR|Error|Traceback|WARNING" "$log" | sed -E "s/[0-9]+/N/g" | sort | uniq -c | sort -rn | head -n 20 || true
exit "$status"
