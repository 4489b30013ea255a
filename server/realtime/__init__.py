"""Realtime: the event hub (numbered events, replay, fan-out) and the websocket endpoint."""

from server.realtime.hub import EventHub, HubClosedError, HubStats, RealtimeError
from server.realtime.ws import WS_PATH, make_router

__all__ = ["WS_PATH", "EventHub", "HubClosedError", "HubStats", "RealtimeError", "make_router"]
