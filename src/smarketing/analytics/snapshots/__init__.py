"""Report snapshots: a page's computed numbers stored with the data version they read, served
at once and refreshed in the background when the data has moved on (docs/analytics.md)."""
