"""Fixtures the analytics tests share."""

from tests.api.conftest import api_for  # noqa: F401  (the API tests' client fixture)
