"""Canonical forms of emails, domains and country codes (plain Python)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def email_normalize(value: str) -> str:
    return value.strip().lower()


def domain_normalize(value: str) -> str:
    """'https://www.Example.com/about' → 'example.com'; '' stays ''."""
    raw = value.strip().lower()
    if not raw:
        return ""
    if "://" in raw:
        raw = urlparse(raw).hostname or ""
    raw = raw.split("/")[0].split(":")[0].rstrip(".")
    return raw.removeprefix("www.")


def domain_is_valid(value: str) -> bool:
    return bool(_DOMAIN.match(value))


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower() if "@" in email else ""
