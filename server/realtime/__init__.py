"""server/realtime."""
