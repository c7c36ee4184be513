"""Typed helpers that read configuration from the environment (no Django import)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class ConfigError(ValueError):
    """A setting in the environment is malformed; the message names the variable."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    if not raw.lstrip("-").isdigit() or int(raw) < minimum:
        raise ConfigError(f"{name}={raw!r} is not a whole number of at least {minimum}")
    return int(raw)


def var_dir() -> Path:
    """Where the embedded database, queue and generated secret live."""
    path = Path(env_str("SMARKETING_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(var: Path) -> str:
    """The secret key from the environment, else one generated once and kept in var/."""
    key = env_str("SMARKETING_SECRET_KEY")
    if key:
        return key
    path = var / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_config(url: str, *, var: Path) -> dict[str, object]:
    """Django DATABASES['default'] from a DATABASE_URL (sqlite:///path or postgres://...)."""
    if not url:
        return _sqlite(var / "smarketing.sqlite3")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as in dj-database-url.
        path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
        if not path:
            raise ConfigError(f"DATABASE_URL={url!r} names no file (sqlite:///path/to/db)")
        return _sqlite(Path(path))
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ConfigError(f"DATABASE_URL={url!r} names no database (postgres://host/NAME)")
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ConfigError(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite:/// or postgres://)"
    )


def _sqlite(path: Path) -> dict[str, object]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets the web process read while the queue consumer writes. The consumer's
            # process copies the WAL back into the database (a checkpoint) every second in a
            # thread (`checkpoints`); else a commit does when it has passed 40,000 pages
            # (160 MB) instead of 1,000: a batch of events with its scores dirties a few
            # thousand, scattered, and a checkpoint copies each page once however often it was
            # written since the last one. A connection caches up to 64 MiB of pages instead of
            # 2: reading a page from the OS again costs a system call and a copy, and a
            # rescoring re-reads the score and touchpoint indexes' pages chunk after chunk (30%
            # less CPU).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
                "PRAGMA wal_autocheckpoint=40000; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
    }


def smtp_config() -> dict[str, object]:
    """Django's EMAIL_* settings from SMARKETING_SMTP_*. No host means email is not set up:
    notifications then go in-app and to webhooks only."""
    raw_port = env_str("SMARKETING_SMTP_PORT", "25")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"SMARKETING_SMTP_PORT={raw_port!r} is not a port number (1-65535)")
    return {
        "host": env_str("SMARKETING_SMTP_HOST"),
        "port": int(raw_port),
        "user": env_str("SMARKETING_SMTP_USER"),
        "password": env_str("SMARKETING_SMTP_PASSWORD"),
        "tls": env_bool("SMARKETING_SMTP_TLS", False),
        # SMARKETING_FROM_EMAIL is the older name of the sender setting.
        "from": env_str("SMARKETING_SMTP_FROM")
        or env_str("SMARKETING_FROM_EMAIL", "smarketing@localhost"),
    }


def huey_config(redis_url: str, *, var: Path, immediate: bool) -> dict[str, object]:
    """Huey on Redis when REDIS_URL is set, else on a SQLite file beside the database."""
    common: dict[str, object] = {
        "name": "smarketing",
        "immediate": immediate,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    }
    if redis_url:
        return {**common, "huey_class": "huey.RedisHuey", "url": redis_url}
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(var / "queue.sqlite3")}
