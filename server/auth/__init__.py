"""Authentication primitives: who is calling (``Principal``), password hashing, bearer tokens.

Pure helpers with no web framework or database imports, so every layer may use them.

Exceptions (base ``AuthError``, in ``server.auth.errors``)::

    AuthError                 ``.message`` in English, ``.zh`` in Chinese
     +-- NotAuthenticated     no usable bearer token (HTTP 401)
     +-- RoleRefused          the caller's role may not do this (HTTP 403)
     +-- LoginFailed          wrong username/password, or the user is disabled
     +-- LoginRateLimited     too many failed logins; carries ``retry_after_s``
     +-- UserExists           a user or device with that name already exists
     +-- UnknownPrincipal     no such user/device
     +-- InvalidCredential    a password or role that cannot be accepted
"""
