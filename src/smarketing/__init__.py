"""Smarketing: one system of record for marketing and sales."""

__version__ = "0.1.0"
