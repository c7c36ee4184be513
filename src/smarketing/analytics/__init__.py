"""Reports computed from history: the shared dashboard first, funnel and attribution later."""
