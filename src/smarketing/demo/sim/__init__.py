"""The pure-Python simulation behind the demo company (no Django imports)."""
