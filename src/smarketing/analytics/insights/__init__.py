"""Insights: segments of leads that convert significantly worse or better than the rest, with
sales' feedback on them and the definition change each suggests (docs/analytics.md)."""
