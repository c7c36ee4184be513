"""Routing: which rep owns a new MQL, chosen by ordered rules, with every choice recorded."""
