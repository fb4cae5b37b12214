# The two commands: `make run` serves the site, `make test` runs every check.
# Both start with `make setup`, which installs everything the project needs
# and does nothing when it is already done.

PYTHON_VERSION := $(shell cat .python-version)
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
CSS := build/static/css/academy.css
# Use sudo for apt-get only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tests run with debug off, as in production, but over plain http on loopback.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_SECURE_COOKIES=false

# `make serve`: production settings (debug off, collected static files, gunicorn),
# over plain http on loopback, with a secret kept in .serve-secret.
SERVE_ENV = DJANGO_SECRET_KEY="$$(cat .serve-secret)" DJANGO_EMAIL_CONSOLE=true DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_SECURE_HSTS_SECONDS=0

POSTGRES_URL := postgres://academy:academy@127.0.0.1:5432/academy

.PHONY: setup run serve bench bench-postgres test test-postgres test-scale lint format chromium redis clean

setup: $(VENV)/.installed node_modules/.installed $(CSS)

$(VENV)/.installed: pyproject.toml .python-version
	@command -v python$(PYTHON_VERSION) >/dev/null || { \
		echo "Python $(PYTHON_VERSION) is needed (python$(PYTHON_VERSION) on PATH)."; exit 1; }
	python$(PYTHON_VERSION) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pip==25.3
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e . --group dev
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard assets/scss/*.scss)
	npm run --silent build:css

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The cache fault tests start a Redis of their own (Debian's redis-server).
redis:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }

run: setup
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_content
	DJANGO_DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

.serve-secret:
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: setup .serve-secret
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_content
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(VENV)/bin/gunicorn academy.wsgi --config gunicorn.conf.py --bind 127.0.0.1:$(PORT)

# Load benchmark against `make serve` with wrk (Debian's package); prints the
# table and the budgets, and fails if a budget does.
bench: setup .serve-secret
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	bash bench/run.sh

# The same on PostgreSQL (installed and started as for `make test-postgres`).
bench-postgres: setup .serve-secret
	$(SUDO) bash scripts/start-postgres.sh
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	DATABASE_URL=$(POSTGRES_URL) bash bench/run.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Browser tests get their own run: only they need Django's async-safety check off
# (Playwright's sync API keeps an event loop running in the test thread).
test: setup chromium redis lint
	$(TEST_ENV) $(VENV)/bin/pytest -m "not browser"
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser

# The whole suite again, on PostgreSQL (installed from Debian's packages if missing).
test-postgres: setup chromium redis
	$(SUDO) bash scripts/start-postgres.sh
	$(TEST_ENV) DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest -m "not browser"
	$(TEST_ENV) DATABASE_URL=$(POSTGRES_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -m browser

# Two app servers (gunicorn, production settings) sharing one PostgreSQL and one
# Redis, checked through HTTP, with Redis stopped and PostgreSQL restarted under
# load (scripts/test_scale.py). Installs and starts what it needs when missing.
test-scale: setup
	$(SUDO) bash scripts/start-postgres.sh
	@command -v redis-server >/dev/null && command -v wrk >/dev/null || { \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server wrk; }
	$(PY) scripts/test_scale.py

clean:
	rm -rf $(VENV) node_modules build staticfiles .serve-secret
