"""Settings read from the environment."""

from pathlib import Path

import pytest

from smarketing import env


def test_default_database_is_sqlite_in_wal_mode(tmp_path: Path):
    config = env.database_config("", var=tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "smarketing.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed(tmp_path: Path):
    config = env.database_config("postgres://bob:s%40cret@db.internal:6543/crm", var=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("crm", "bob", "s@cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "scheme 'mysql' is not supported"),
        ("postgres://host/", "names no database"),
        ("sqlite://", "names no file"),
    ],
)
def test_bad_database_url_says_what_is_wrong(tmp_path: Path, url: str, message: str):
    with pytest.raises(env.ConfigError, match=message):
        env.database_config(url, var=tmp_path)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SMARKETING_SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SMARKETING_SECRET_KEY", "from-the-environment")
    assert env.secret_key(tmp_path) == "from-the-environment"


def test_bool_setting_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("SMARKETING_DEBUG", "maybe")
    with pytest.raises(env.ConfigError, match="SMARKETING_DEBUG='maybe' is not a boolean"):
        env.env_bool("SMARKETING_DEBUG")


def test_queue_uses_redis_only_when_configured(tmp_path: Path):
    assert env.huey_config("", var=tmp_path, immediate=False)["huey_class"] == "huey.SqliteHuey"
    redis = env.huey_config("redis://127.0.0.1:6379/3", var=tmp_path, immediate=False)
    assert (redis["huey_class"], redis["url"]) == ("huey.RedisHuey", "redis://127.0.0.1:6379/3")
