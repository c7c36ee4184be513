"""Django settings, all read from the environment through smarketing.env."""

from __future__ import annotations

import os
from pathlib import Path

from smarketing import env

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = env.var_dir()

SECRET_KEY = env.secret_key(VAR_DIR)
DEBUG = env.env_bool("SMARKETING_DEBUG", False)
ALLOWED_HOSTS = [h for h in env.env_str("SMARKETING_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in env.env_str("SMARKETING_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Lets /api/docs serve Swagger UI from Ninja's bundled static files instead of a CDN.
    "ninja",
    "huey.contrib.djhuey",
    "smarketing.org",
    "smarketing.people",
    "smarketing.campaigns",
    "smarketing.content",
    "smarketing.lifecycle",
    "smarketing.deals",
    "smarketing.handoff",
    "smarketing.handoff.sla",
    "smarketing.handoff.routing",
    "smarketing.notify",
    "smarketing.events",
    "smarketing.imports",
    "smarketing.scoring",
    "smarketing.analytics",
    "smarketing.web",
    "smarketing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "smarketing.web.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "smarketing.urls"
WSGI_APPLICATION = "smarketing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "smarketing.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database_config(env.env_str("DATABASE_URL"), var=VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
# Serve app static files straight from the package: no collectstatic step for the embedded default.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Redis, when set, also holds the tracking API's per-key rate-limit buckets (events/ratelimit.py).
REDIS_URL = env.env_str("REDIS_URL")

HUEY = env.huey_config(
    REDIS_URL,
    var=VAR_DIR,
    immediate=env.env_bool("SMARKETING_QUEUE_IMMEDIATE", False),
)

SMTP = env.smtp_config()
EMAIL_HOST = SMTP["host"]
EMAIL_PORT = SMTP["port"]
EMAIL_HOST_USER = SMTP["user"]
EMAIL_HOST_PASSWORD = SMTP["password"]
EMAIL_USE_TLS = SMTP["tls"]
EMAIL_TIMEOUT = 10  # a hung SMTP server must not hold a notification worker
DEFAULT_FROM_EMAIL = SMTP["from"]
# Links in emails and webhooks point here.
BASE_URL = env.env_str("SMARKETING_BASE_URL", "http://localhost:8000").rstrip("/")
# A prospect seen again after this many days away alerts its owner (notify/prospects.py).
PROSPECT_RETURN_DAYS = env.env_int("SMARKETING_PROSPECT_RETURN_DAYS", 14, minimum=1)
# The funnel and performance pages serve stored numbers; past this age they check whether the
# data moved on and refresh in the background (analytics/snapshots).
REPORT_SNAPSHOT_FRESH_MINUTES = env.env_int(
    "SMARKETING_REPORT_SNAPSHOT_FRESH_MINUTES", 10, minimum=0
)
# A full rescoring of at least RESCORING_PARALLEL_MIN contacts is shared by this many processes,
# the starting one included (scoring/rescoring_processes.py); fewer contacts are rescored in the
# one process.
RESCORING_PROCESSES = env.env_int(
    "SMARKETING_RESCORING_PROCESSES", min(os.cpu_count() or 1, 8), minimum=1
)
RESCORING_PARALLEL_MIN = env.env_int("SMARKETING_RESCORING_PARALLEL_MIN", 50_000, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("SMARKETING_LOG_LEVEL", "WARNING")},
}
