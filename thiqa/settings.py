"""Django settings for Thiqa, read from ``THIQA_*`` environment variables.

Profiles (``THIQA_PROFILE``):
- ``production`` (default): debug off, HTTPS only, secure cookies, HSTS;
  passes ``manage.py check --deploy``.
- ``demo``: the local demonstration started by ``thiqa demo`` (plain HTTP, debug on).
- ``test``: used by the test suite.
"""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """A THIQA_* setting from the environment; set but empty counts as not set."""
    return os.environ.get(f"THIQA_{name}") or default


def env_number(name: str, default: float, kind: type = int) -> Any:
    value = env(name, str(default))
    try:
        number = kind(value)
    except ValueError:
        raise RuntimeError(f"THIQA_{name} must be a number, not {value!r}") from None
    if number < 0:
        raise RuntimeError(f"THIQA_{name} must not be negative")
    return number


PROFILE = env("PROFILE", "production")
if PROFILE not in {"production", "demo", "test"}:
    raise RuntimeError(f"THIQA_PROFILE must be production, demo or test, not {PROFILE!r}")
PRODUCTION = PROFILE == "production"

DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The secret key from the environment, else one generated once in the data dir."""
    if key := env("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = PROFILE == "demo" or (env("DEBUG") == "1" and not PRODUCTION)

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
ALLOWED_HOSTS = [
    h.strip() for h in env("ALLOWED_HOSTS", _site.hostname or "localhost").split(",") if h.strip()
]
if PROFILE == "test":
    ALLOWED_HOSTS += ["testserver", "localhost", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, as the CSP requires
    "django_tasks",
    "django_tasks_db",
    "thiqa.accounts",
    "thiqa.audit",
    "thiqa.mail",
    "thiqa.scheduler",
    "thiqa.operations",
    "thiqa.catalogue",
    "thiqa.library",
    "thiqa.directory",
    "thiqa.checks",
    "thiqa.messaging",
    "thiqa.incidents",
    "thiqa.taxii",
    "thiqa.reporting",
    "thiqa.partnerships",
    "thiqa.capacity",
    "thiqa.activities",
    "thiqa.glossary",
    "thiqa.profiles",
]

MIDDLEWARE = [
    "thiqa.operations.metrics.RequestMetricsMiddleware",  # outermost: counts every answer
    "django.middleware.security.SecurityMiddleware",
    "thiqa.lib.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "thiqa.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so the problem documents it makes get every header above.
    "thiqa.lib.middleware.ApiProblemMiddleware",
]

ROOT_URLCONF = "thiqa.urls"
WSGI_APPLICATION = "thiqa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thiqa.accounts.context.navigation",
            ],
            # Template tags several rooms use ({% load tlp %}), kept beside what they show.
            "libraries": {"tlp": "thiqa.lib.tlp_tags"},
        },
    },
]

# Database: SQLite in the data directory unless THIQA_DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'thiqa.sqlite3'}"),
        conn_max_age=0 if PROFILE == "test" else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock when the transaction begins: no stale reads, no upgrade deadlocks.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-thiqa.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sign-in protection: lock an account name after this many failures within the window.
THIQA_SIGNIN_MAX_FAILURES = env_number("SIGNIN_MAX_FAILURES", 5)
THIQA_SIGNIN_LOCKOUT_SECONDS = env_number("SIGNIN_LOCKOUT_SECONDS", 900)
# A password step that is not followed by its second factor within this time expires.
THIQA_SECOND_FACTOR_SECONDS = 300

# Sessions and cookies.
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-thiqa-session" if PRODUCTION else "thiqa-session"
CSRF_COOKIE_NAME = "__Host-thiqa-csrf" if PRODUCTION else "thiqa-csrf"

# Transport security (production profile).
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env("BEHIND_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]

# Request size limits: an oversized body is refused with 413 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Languages: Arabic and English are first-class.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "thiqa-language"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "files"

# Background work: Django's tasks API, stored in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail: everything Django sends goes into the outbox; the worker delivers it over SMTP.
EMAIL_BACKEND = "thiqa.mail.backends.OutboxBackend"
SMTP_URL = env("SMTP_URL", "smtp://127.0.0.1:25")
_smtp = urlsplit(SMTP_URL)
if _smtp.scheme not in {"smtp", "smtps", "smtp+starttls"}:
    raise RuntimeError("THIQA_SMTP_URL must start with smtp://, smtps:// or smtp+starttls://")
EMAIL_HOST = _smtp.hostname or "127.0.0.1"
EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 25)
EMAIL_HOST_USER = _smtp.username or ""
EMAIL_HOST_PASSWORD = _smtp.password or ""
EMAIL_USE_SSL = _smtp.scheme == "smtps"
EMAIL_USE_TLS = _smtp.scheme == "smtp+starttls"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("MAIL_FROM", f"Thiqa <noreply@{_site.hostname or 'localhost'}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
THIQA_MAIL_RETRY_BASE_SECONDS = env_number("MAIL_RETRY_BASE_SECONDS", 30, float)
THIQA_MAIL_RETRY_MAX_SECONDS = env_number("MAIL_RETRY_MAX_SECONDS", 3600, float)
THIQA_MAIL_MAX_ATTEMPTS = env_number("MAIL_MAX_ATTEMPTS", 12)
# A claimed message whose worker has not finished it within the lease is recovered.
THIQA_MAIL_LEASE_SECONDS = env_number("MAIL_LEASE_SECONDS", 300, float)
THIQA_MAIL_BATCH = 200

# `thiqa serve`: where gunicorn listens and how many web processes it runs.
THIQA_BIND = env("BIND", "127.0.0.1:8000")
THIQA_WEB_WORKERS = env_number("WEB_WORKERS", 3)
# ... and how many background workers: on PostgreSQL two by default, so that one delivers a
# round's messages while another prepares the rest (SQLite takes one writer at a time).
THIQA_WORKERS = env_number(
    "WORKERS", 1 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 2
)
# Inbound SMTP receiver.
_listen = env("SMTP_LISTEN", "127.0.0.1:2525")
THIQA_SMTP_LISTEN_HOST, _, _port = _listen.rpartition(":")
THIQA_SMTP_LISTEN_PORT = int(_port)
THIQA_INBOUND_DOMAINS = [
    d.strip().lower() for d in env("INBOUND_DOMAINS", _site.hostname or "localhost").split(",") if d.strip()
]
THIQA_INBOUND_MAX_BYTES = 10 * 1024 * 1024

# Directory: how many days before a re-confirmation falls due focal points are reminded.
THIQA_DIRECTORY_REMINDER_DAYS = env_number("DIRECTORY_REMINDER_DAYS", 30)
# Directory health: an address whose mail bounced (a ping or a message copy) within this
# many days is shown as bouncing.
THIQA_DIRECTORY_BOUNCE_DAYS = env_number("DIRECTORY_BOUNCE_DAYS", 90)
# Communication checks: default deadline, and when to remind (hours before the deadline,
# at most half the round's window).
THIQA_CHECK_DEADLINE_HOURS = env_number("CHECK_DEADLINE_HOURS", 48)
THIQA_CHECK_REMINDER_HOURS = env_number("CHECK_REMINDER_HOURS", 12)
# How many contacts a check round prepares per transaction (progress is shown between them).
THIQA_CHECK_BATCH = 500

# Secure communications. The platform's OpenPGP key signs every e-mail copy; it is
# generated on first use into this file (mode 0600), which belongs in the backups.
THIQA_OPENPGP_KEY_FILE = env("OPENPGP_KEY_FILE", str(DATA_DIR / "openpgp" / "platform-key.asc"))
# Attachments are stored here, outside the web root, by their SHA-256.
THIQA_ATTACHMENT_DIR = Path(env("ATTACHMENT_DIR", str(DATA_DIR / "attachments")))
THIQA_ATTACHMENT_MAX_BYTES = env_number("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
THIQA_ATTACHMENT_MAX_COUNT = 10
# An unacknowledged message escalates (technical → policy → secretariat); each escalated
# recipient has this many hours to acknowledge.
THIQA_MESSAGE_ESCALATION_HOURS = env_number("MESSAGE_ESCALATION_HOURS", 12)
# National reporting: focal points are reminded this many days before a cycle's due date
# (and once when it has passed) if their participant has not submitted.
THIQA_REPORTING_REMINDER_DAYS = env_number("REPORTING_REMINDER_DAYS", 14)
# Compilation PDFs are made by the worker into this folder and deleted this many days after
# they were made (a viewer prepares a new one).
THIQA_COMPILATION_DIR = Path(env("COMPILATION_DIR", str(DATA_DIR / "compilations")))
THIQA_COMPILATION_PDF_DAYS = env_number("COMPILATION_PDF_DAYS", 2)
# How long the acknowledgement link in a message's e-mail stays valid.
THIQA_MESSAGE_LINK_DAYS = 30

# Operations. The audit chain's head is signed into this folder (keep it, or a copy of it,
# off the database's machine) and e-mailed to the secretariat this often.
THIQA_AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints")))
THIQA_AUDIT_CHECKPOINT_HOURS = env_number("AUDIT_CHECKPOINT_HOURS", 24, float)
# /healthz fails the outbox check when a due message has waited longer than this.
THIQA_HEALTH_OUTBOX_MAX_WAIT_SECONDS = env_number("HEALTH_OUTBOX_MAX_WAIT_SECONDS", 900)
# Finished background tasks are forgotten after this many days.
THIQA_TASK_RESULT_DAYS = env_number("TASK_RESULT_DAYS", 7)
# The catalogue, the library and their search (pages and API) are public texts, readable by
# visitors who are not signed in; "0" closes them to the community (a closed deployment).
THIQA_PUBLIC_CATALOGUE = env("PUBLIC_CATALOGUE", "1")
if THIQA_PUBLIC_CATALOGUE not in {"0", "1"}:
    raise RuntimeError(f"THIQA_PUBLIC_CATALOGUE must be 1 or 0, not {THIQA_PUBLIC_CATALOGUE!r}")
THIQA_PUBLIC_CATALOGUE = THIQA_PUBLIC_CATALOGUE == "1"

# API tokens: the longest lifetime a personal token may have.
THIQA_TOKEN_MAX_DAYS = 366

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # logs every layout step of every PDF at INFO
        "fontTools": {"level": "WARNING"},
    },
}
STATICFILES_DIRS = [BASE_DIR / "static"]
