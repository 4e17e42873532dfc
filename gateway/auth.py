"""Bearer tokens: signed, expiring JWTs (HS256) with an audience, an issuer and a key id.

Keys rotate without a flag day: ``REVERIE_TOKEN_KEYS`` lists ``kid:secret`` pairs, the first one signs, all of them
verify. To rotate, put a new key first, and drop the old one once the tokens it signed have expired. A token names
one user (``sub``) and, when it was issued to a registered device, that device (``dev``).

Every key is at least ``MIN_SECRET_BYTES`` long, and the development key (the default) is refused unless the gateway
listens on loopback only (``refuse_unsafe_keys``, called before the gateway starts).
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

import jwt
from cachetools import LRUCache

from core.settings import DEVELOPMENT_TOKEN_KEYS, Settings

USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
ALGORITHM = "HS256"
ISSUER = "reverie"
LEEWAY_S = 5  # clock skew allowed between the issuer and this gateway
# RFC 7518 §3.2: an HS256 key is at least as long as SHA-256's output. A shorter one is the weak link, and any one
# token is enough to guess it offline at the speed of a GPU. Length is all that can be checked (the bytes should be
# random). Every listed key counts, not only the signing one: a token forged with a verify-only key is accepted.
MIN_SECRET_BYTES = 32


class UnsafeKeys(ValueError):
    """Token keys the gateway must not start with."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a user, and the device it comes from when the token is a device's."""

    user_id: str
    device_id: str | None = None
    registration: str | None = None  # the device's registration event: a re-registered device needs new tokens
    token_id: str = ""
    operator: bool = False  # may run read-only SQL over every user's rows (analysts, operators)


class Keyring:
    """The signing key and every key that still verifies, parsed from ``kid:secret,kid:secret``."""

    def __init__(self, spec: str) -> None:
        pairs = [item.strip().partition(":") for item in spec.split(",") if item.strip()]
        if not pairs or any(not kid or not sep or not secret for kid, sep, secret in pairs):
            raise UnsafeKeys("REVERIE_TOKEN_KEYS must be 'kid:secret' pairs separated by commas")
        short = [kid for kid, _, secret in pairs if len(secret.encode()) < MIN_SECRET_BYTES]
        if short:  # name the keys, never show the secrets
            raise UnsafeKeys(
                f"REVERIE_TOKEN_KEYS: the secret of {', '.join(short)} is shorter than {MIN_SECRET_BYTES} bytes;"
                f" use {MIN_SECRET_BYTES}+ random bytes (e.g. `openssl rand -base64 32`)"
            )
        self.signing_kid = pairs[0][0]
        self.secrets = {kid: secret for kid, _, secret in pairs}

    def secret(self, kid: str) -> str | None:
        return self.secrets.get(kid)


def keyring(settings: Settings) -> Keyring:
    return _parsed(settings.token_keys)


@lru_cache(maxsize=8)
def _parsed(spec: str) -> Keyring:
    return Keyring(spec)


def is_loopback(host: str) -> bool:
    """Whether a gateway bound to ``host`` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # any other name may resolve to any address; "" and "0.0.0.0" are every interface
        return False


def refuse_unsafe_keys(settings: Settings) -> None:
    """Raise ``UnsafeKeys`` when the gateway must not start with these keys: a key too short, or the development
    key (published in the source, so anyone can sign tokens with it) while the gateway listens beyond loopback."""
    keys = keyring(settings)  # a short or malformed key raises here, wherever the gateway listens
    if is_loopback(settings.http_host):
        return
    published = set(Keyring(DEVELOPMENT_TOKEN_KEYS).secrets.values())
    # listed anywhere, not only first: it would still verify the tokens anyone signs with it
    found = [kid for kid, secret in keys.secrets.items() if secret in published]
    if found:
        raise UnsafeKeys(
            f"REVERIE_TOKEN_KEYS lists the development key ({', '.join(found)}) and the gateway would listen on"
            f" {settings.http_host!r}: set REVERIE_TOKEN_KEYS to keys of your own, or REVERIE_HTTP_HOST=127.0.0.1"
        )


def issue(
    settings: Settings,
    user_id: str,
    device_id: str | None = None,
    registration: str | None = None,
    ttl_s: float | None = None,
    operator: bool = False,
) -> str:
    """A token for ``user_id`` (bound to ``device_id`` and its registration if given), valid for ``ttl_s``
    seconds (default: the settings' token TTL)."""
    if not USER_ID.match(user_id):
        raise ValueError("user ids are 1-64 characters of letters, digits, '_' and '-'")
    if device_id is not None and not DEVICE_ID.match(device_id):
        raise ValueError("device ids are 1-128 characters of letters, digits, '_', '.', ':' and '-'")
    keys = keyring(settings)
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": user_id,
        "aud": settings.token_audience,
        "iat": now,
        "exp": now + int(ttl_s if ttl_s is not None else settings.token_ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if device_id is not None:
        claims["dev"], claims["reg"] = device_id, registration or ""
    if operator:
        claims["op"] = True
    return jwt.encode(claims, keys.secrets[keys.signing_kid], ALGORITHM, headers={"kid": keys.signing_kid})


# Tokens verified already, until they expire: a device sends the same token with every request, and checking its
# signature and claims again was 8 % of the interpreter's time under 50 searching clients. Keyed by the token and the
# keys and audience it was checked against, so a key taken off the list stops its tokens at once.
_verified: LRUCache[tuple[str, str, str], tuple[Principal, float]] = LRUCache(maxsize=4096)
_verified_lock = threading.Lock()


def verify(settings: Settings, token: str) -> Principal | None:
    """The token's principal, or None when it is malformed, forged, expired, for another audience or signed with
    a key that is no longer listed."""
    key = (token, settings.token_keys, settings.token_audience)
    with _verified_lock:
        known = _verified.get(key)
    if known is not None and time.time() <= known[1]:
        return known[0]
    found = _verify(settings, token)
    if found is None:
        return None
    principal, expires = found
    with _verified_lock:
        _verified[key] = (principal, expires)
    return principal


def _verify(settings: Settings, token: str) -> tuple[Principal, float] | None:
    keys = keyring(settings)
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = keys.secret(kid) if isinstance(kid, str) else None
        if secret is None:
            return None
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # never "none", never a public-key algorithm fed an HMAC secret
            audience=settings.token_audience,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            leeway=LEEWAY_S,
        )
    except jwt.PyJWTError:
        return None
    user_id, device_id, registration = claims.get("sub"), claims.get("dev"), claims.get("reg")
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        return None
    if device_id is not None and (not isinstance(device_id, str) or not DEVICE_ID.match(device_id)):
        return None
    if device_id is not None and not isinstance(registration, str):
        return None
    operator = claims.get("op") is True and device_id is None
    principal = Principal(user_id, device_id, registration, str(claims.get("jti", "")), operator)
    return principal, float(claims["exp"]) + LEEWAY_S


def bearer(settings: Settings, authorization: str | None) -> Principal | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return verify(settings, token.strip())
