"""The one client of the branch server, shared by every app (kiosk, counter terminal, lobby
display, panel bridge).

    rest.py     BranchApi: the REST API on httpx.AsyncClient, answers as ``server.contract``
                models, errors as ``ApiError`` / ``ServerUnreachable`` with bilingual text
    stream.py   EventStream: the websocket subscriber (reconnect, resume by last seq, snapshot
                after a server restart, resubscribe on a gap in the numbering)
    qt.py       ClientBridge: one asyncio loop in a QThread; messages and results as Qt signals
                (the only module here that imports PyQt6)
    errors.py   the error tree

Nothing here imports the server beyond ``server.contract``.
"""

from branchq_client.errors import (
    ApiError,
    ClientConfigError,
    ClientError,
    ServerUnreachable,
    StreamRefused,
)
from branchq_client.rest import BranchApi
from branchq_client.stream import EventStream, ws_url

__all__ = [
    "ApiError",
    "BranchApi",
    "ClientConfigError",
    "ClientError",
    "EventStream",
    "ServerUnreachable",
    "StreamRefused",
    "ws_url",
]
