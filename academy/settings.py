"""Settings for the academy, read from the environment.

Defaults suit development and tests; production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see docs/deploy.md).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return int(value)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (required when DJANGO_DEBUG is off).")
    # Only ever used with DJANGO_DEBUG on, which production never sets.
    SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "core",
    "glossary",
    "lessons",
    "quiz",
    "simulator",
    # The simulator's faces, each a room of its own (docs/architecture.md).
    "simulator.sandbox",
    "simulator.tools",
    "simulator.replay",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Sees each response after every middleware below has said what it varies with.
    "academy.middleware.PrivateWhenPersonalMiddleware",
    # Compresses pages; Django masks CSRF tokens per response and pads gzip
    # output, which is what keeps compression safe from BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quiz.visitors.VisitorCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "academy.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "academy.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "academy.wsgi.application"


def database_from_url(name: str, default: str) -> dict:
    """The database an address in the environment names; a malformed one stops start-up
    here, naming the variable, not in the middle of the first request."""
    url = os.environ.get(name, "").strip() or default
    conn_max_age = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    problem = None
    try:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except dj_database_url.UnknownSchemeError:
        problem = "it must start with postgres:// or sqlite://"
    except (ValueError, dj_database_url.ParseError):
        problem = (
            "it is not a valid address (is the port a number? are special characters "
            "in the password percent-encoded?)"
        )
    if problem:
        raise ImproperlyConfigured(
            f"{name} is not a database address we can use: {problem}. Expected "
            "postgres://user:password@host:5432/name or sqlite:////path/to/file.sqlite3."
        )
    engines = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
    if database["ENGINE"] not in engines:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:// address.")
    if not database.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (the path after the host).")
    return database


def redis_from_url(name: str) -> str:
    """The Redis address in the environment, checked as for DATABASE_URL; "" if unset."""
    url = os.environ.get(name, "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    problem = None
    try:
        parts.port  # noqa: B018 - reading it checks it is a number
    except ValueError:
        problem = "its port is not a number"
    if parts.scheme not in {"redis", "rediss", "unix"}:
        problem = "it must start with redis://, rediss:// or unix://"
    elif parts.scheme != "unix" and not parts.hostname:
        problem = "it names no host"
    elif parts.scheme == "unix" and not parts.path:
        problem = "it names no socket"
    elif parts.scheme != "unix" and parts.path.strip("/") and not parts.path.strip("/").isdigit():
        problem = "the database after the host must be a number, as in /0"
    if problem:
        raise ImproperlyConfigured(
            f"{name} is not a Redis address we can use: {problem}. "
            "Expected redis://host:6379/0 (or rediss:// for TLS, with :password@ if any)."
        )
    return url


DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (quiz answers, sessions) queue instead of failing with
    # "database is locked": write-ahead logging lets reads run beside a write,
    # IMMEDIATE takes the write lock when a transaction starts (so no upgrade
    # deadlock), and the timeout is how long a writer waits its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Values sent apart from the SQL, so that psycopg prepares a statement once it has
    # run five times on a connection: PostgreSQL then skips planning it. The quiz
    # answer's read took 0.2 ms to plan and 0.05 ms to run, and a load of quiz answers
    # on PostgreSQL went 26% faster with this.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

# Pages, results, question content and the content version, and sessions: with
# REDIS_URL in a Redis every app server shares, so a content edit shows on all of
# them at once (academy/cache.py keeps the site up if Redis goes away). Without it,
# each process keeps its own (and sessions stay in the database alone).
REDIS_URL = redis_from_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
            # Short timeouts: a cache is worth waiting for only as long as recomputing.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Read from the cache, written to both: a session outlives Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "academy",
        }
    }
    SESSION_ENGINE = "academy.sessions"  # Django's db sessions, read with plain SQL
# Rendered pieces of pages whose keys carry the content version (the verdict on a
# choice picked, quiz.feedback): a copy in each process is never stale, and costs no
# round trip to Redis.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "academy-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: our own under static/, Bootstrap compiled by `make setup` into
# build/static/ from the pinned npm package. Whitenoise serves both.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Lessons, quizzes and presets as files (docs/authoring.md); `manage.py load_content` loads them.
CONTENT_DIR = Path(os.environ.get("ACADEMY_CONTENT_DIR", BASE_DIR / "content"))

# Uploaded price paths (simulator/replay/uploads.py): new paths kept per hour, for one
# visitor and for everyone together; a path unopened for 30 days is removed.
REPLAY_UPLOADS_PER_VISITOR_HOUR = 20
REPLAY_UPLOADS_PER_HOUR = 500

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content Security Policy: no inline script or style; scripts need the
# per-request nonce or come from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "academy.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

if not DEBUG:
    # Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true.
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain http inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Accounts (optional): sign-up and log-in by email and password with django-allauth,
# and the learner's progress, review and data (the accounts app, docs/architecture.md).
# `accounts` comes before allauth so that its templates override allauth's.
INSTALLED_APPS += ["accounts", "allauth", "allauth.account"]
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
# Django's and allauth's backends, reading the logged-in user with plain SQL.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.UsernameBackend",  # the admin's log-in by username
    "accounts.backends.EmailBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "progress:index"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account, replaced once the new one is confirmed
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Margin Academy: "
# Links in emails: https in production; http where the site is served over plain http.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = (
    "https" if not DEBUG and env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True) else "http"
)
# allauth's rate limits stay at their defaults (on: log-in failures, sign-up, password
# reset and confirmation emails, per address and per IP), and the admin's log-in is held
# to the log-in ones (accounts/admin_login.py). They are counted in the database (the
# "ratelimit" cache, a table `migrate` makes), which every process of every server sees:
# counted in each process's own memory, 4 workers let 20 wrong passwords of 25 through
# where the limit is 5 (docs/security.md; its cost in docs/performance.md).
RATE_LIMIT_CACHE = "ratelimit"
CACHES[RATE_LIMIT_CACHE] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "academy_rate_limits",
    # Entries past this are culled oldest key first, live counts too: room for every
    # address and account a burst of attempts names within the limits' 5 minutes.
    "OPTIONS": {"MAX_ENTRIES": 20000},
}
# Behind load balancers or proxies, the visitor's address is not the connection's: say
# how many proxies of ours append to X-Forwarded-For (their count from the right), or
# which header one of them sets to the visitor's address. Without either, every visitor
# behind a balancer counts as the balancer, and one of them can lock out all the others.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = (
    os.environ.get("DJANGO_TRUSTED_CLIENT_IP_HEADER", "").strip() or None
)
# Email (docs/deploy.md): through the SMTP server EMAIL_HOST names; else printed
# to the console in development (or with DJANGO_EMAIL_CONSOLE=true), and in
# production handed to a mail server on this machine (localhost:25).
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Margin Academy <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = os.environ.get("EMAIL_HOST", "")
_email_ssl = env_bool("EMAIL_USE_SSL")
_email_port = "465" if _email_ssl else "587" if _email_host else "25"
if not _email_host and env_bool("DJANGO_EMAIL_CONSOLE", default=DEBUG):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": int(os.environ.get("EMAIL_PORT", _email_port)),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_ssl": _email_ssl,
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(_email_host) and not _email_ssl),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
