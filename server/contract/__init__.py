"""Wire schemas (REST bodies and websocket events): the only part of server/ the apps import."""
