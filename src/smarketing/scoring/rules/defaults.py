"""The definition a new company starts from (default.yaml, shipped in the package)."""

from __future__ import annotations

import functools
from pathlib import Path

from smarketing.scoring.rules.model import Definition
from smarketing.scoring.rules.yaml_format import load

DEFAULT_FILE = Path(__file__).resolve().parent / "default.yaml"


def default_yaml() -> str:
    """The default definition's file, with its comments."""
    return DEFAULT_FILE.read_text(encoding="utf-8")


@functools.cache
def default_definition() -> Definition:
    return load(default_yaml())
