"""server/store."""
