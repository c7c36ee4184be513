"""One module per persisted part of the demo company; each writes through the services."""
