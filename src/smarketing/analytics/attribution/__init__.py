"""Attribution models over journeys: which channels get the credit for conversions and revenue.

Pure maths, no Django: the database side builds `Journey`s (or a paths file is read), and
`attribute` applies one of `MODELS`. See docs/analytics.md for what each model means.
"""

from smarketing.analytics.attribution.models import MODELS, Attribution, attribute
from smarketing.analytics.attribution.paths import (
    Journey,
    Paths,
    paths_from_journeys,
    touch_index_at,
)
from smarketing.analytics.attribution.reader import (
    PathsFileError,
    paths_parse,
    paths_parse_bytes,
    paths_read,
)

__all__ = [
    "MODELS",
    "Attribution",
    "Journey",
    "Paths",
    "PathsFileError",
    "attribute",
    "paths_from_journeys",
    "paths_parse",
    "paths_parse_bytes",
    "paths_read",
    "touch_index_at",
]
