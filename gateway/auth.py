"""Bearer tokens per user: ``rv1.<user_id>.<HMAC-SHA256(secret, user_id)>``.

Enough for the walking skeleton: a token names one user and cannot be forged without the secret. Expiry, audiences
and key rotation come with real auth (JWTs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PREFIX = "rv1"


def _mac(secret: str, user_id: str) -> str:
    digest = hmac.new(secret.encode(), f"{PREFIX}.{user_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(secret: str, user_id: str) -> str:
    if not USER_ID.match(user_id):
        raise ValueError("user ids are 1-64 characters of letters, digits, '_' and '-'")
    return f"{PREFIX}.{user_id}.{_mac(secret, user_id)}"


def verify(secret: str, token: str) -> str | None:
    """The token's user id, or None if the token is malformed or its signature is wrong."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX or not USER_ID.match(parts[1]):
        return None
    if not hmac.compare_digest(parts[2], _mac(secret, parts[1])):
        return None
    return parts[1]


def bearer_user(secret: str, authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return verify(secret, token.strip())
