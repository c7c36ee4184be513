"""The browser fixtures (`browser`, `page`) are in tests/browser/chromium.py, loaded for the whole
run by tests/conftest.py so that browser tests in every folder share one Chromium."""
