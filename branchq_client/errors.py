"""Errors of the branch client. Every error derives from ``ClientError`` and carries ``text``,
a ``Bilingual`` sentence an app can show to its user as it is.

Tree::

    ClientError
        ApiError            the server answered with an error status (``status``, ``code``,
                            ``body``: the server's ``ErrorBody``)
        ServerUnreachable   no answer: connection refused or lost, or a timeout. A request
                            that timed out MAY have been carried out: retry it with the same
                            idempotency key.
        StreamRefused       the server refused the event stream subscription (bad token)
        ClientConfigError   a server URL the client cannot use (also a ``ValueError``)
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from server.contract.common import Bilingual
from server.contract.rest import ErrorBody

# What each error code means, for an answer that is not the server's ErrorBody (a proxy's page).
_ZH_BY_CODE = {
    "invalid_transition": "当前状态不允许此操作",
    "counter_unavailable": "窗口暂不可用",
    "service_unavailable": "该业务暂不可办理",
    "not_signed_in": "您未登录此窗口",
    "idempotency_conflict": "重复的请求编号用于了不同的操作",
    "invalid_request": "请求内容有误",
    "not_found": "未找到",
    "unauthorized": "登录已失效，请重新登录",
    "forbidden": "没有权限",
    "too_many_requests": "尝试次数过多，请稍后再试",
    "internal_error": "服务器内部错误",
}


class ClientError(Exception):
    """Base of every branch client error; ``text`` is for the user, in both languages."""

    def __init__(self, text: Bilingual) -> None:
        super().__init__(text.en)
        self.text = text


class ApiError(ClientError):
    """The server refused a request: HTTP ``status``, error ``code``, the server's ``body``."""

    def __init__(self, status: int, body: ErrorBody) -> None:
        self.status = status
        self.body = body
        self.code = body.error
        self.field = body.field
        super().__init__(body.message)

    @property
    def unauthorized(self) -> bool:
        """The token is unknown, expired or revoked: sign in again."""
        return self.status == 401

    @classmethod
    def from_response(cls, status: int, data: Any) -> ApiError:
        """Build from a decoded JSON error body (or anything else the server sent)."""
        if isinstance(data, dict):
            try:
                return cls(status, ErrorBody.model_validate(data))
            except ValidationError:
                pass
        shown = str(data)[:200] if data is not None else ""
        code = _CODE_BY_STATUS.get(status, f"http_{status}")
        text = Bilingual(
            zh=_ZH_BY_CODE.get(code, "服务器拒绝了此操作"), en=f"HTTP {status} {shown}".strip()
        )
        return cls(status, ErrorBody(error=f"http_{status}", message=text))


_CODE_BY_STATUS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "too_many_requests",
}


class ServerUnreachable(ClientError):
    """The server did not answer (refused, lost connection, timeout)."""

    def __init__(self, url: str, cause: BaseException) -> None:
        self.url = url
        super().__init__(
            Bilingual(
                zh="无法连接排队服务器，请检查网络",
                en=f"cannot reach the branch server at {url} ({type(cause).__name__})",
            )
        )


class StreamRefused(ClientError):
    """The server answered the subscription with ``ErrorMessage`` and closed."""

    def __init__(self, code: str, message: Bilingual) -> None:
        self.code = code
        self.message = message
        super().__init__(
            Bilingual(
                zh=f"服务器拒绝了实时连接：{message.zh}",
                en=f"server refused the subscription ({code}): {message.en}",
            )
        )


class ClientConfigError(ClientError, ValueError):
    """A setting the client cannot use (e.g. a server URL of another scheme)."""

    def __init__(self, en: str, zh: str = "服务器地址设置有误") -> None:
        super().__init__(Bilingual(zh=zh, en=en))
