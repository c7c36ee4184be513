"""Service-level agreements between marketing and sales: policies, business-hours clocks,
breach escalations and compliance reports."""
