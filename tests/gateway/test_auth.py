import base64
import json
import time

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.settings import DEVELOPMENT_TOKEN_KEYS, Settings
from gateway import auth
from gateway.auth import (
    ALGORITHM,
    MIN_SECRET_BYTES,
    Keyring,
    UnsafeKeys,
    bearer,
    is_loopback,
    issue,
    refuse_unsafe_keys,
    verify,
)

SETTINGS = Settings(token_keys="k2:a-new-secret-of-at-least-32-bytes!,k1:an-old-secret-of-at-least-32-bytes")


def test_issued_tokens_verify_to_their_user_and_device():
    assert verify(SETTINGS, issue(SETTINGS, "alice")).user_id == "alice"
    device = verify(SETTINGS, issue(SETTINGS, "bob", "glasses-1", "reg-1"))
    assert (device.user_id, device.device_id, device.registration) == ("bob", "glasses-1", "reg-1")
    assert bearer(SETTINGS, "Bearer " + issue(SETTINGS, "bob")).user_id == "bob"


def test_the_first_key_signs_and_every_listed_key_verifies():
    token = issue(SETTINGS, "alice")
    assert jwt.get_unverified_header(token)["kid"] == "k2"
    old = issue(Settings(token_keys="k1:an-old-secret-of-at-least-32-bytes"), "alice")
    assert verify(SETTINGS, old).user_id == "alice"  # signed before the rotation: still good
    assert verify(Settings(token_keys="k2:a-new-secret-of-at-least-32-bytes!"), old) is None  # the old key was dropped


def test_a_token_is_checked_once_until_it_expires(monkeypatch):
    monkeypatch.setattr(auth, "LEEWAY_S", 0)
    token = issue(SETTINGS, "carol", ttl_s=2)
    assert verify(SETTINGS, token).user_id == "carol"

    def no_second_check(*args, **kwargs):
        raise AssertionError("checked again")

    with monkeypatch.context() as m:
        m.setattr(jwt, "decode", no_second_check)
        assert verify(SETTINGS, token).user_id == "carol"  # from memory
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires - time.time()) + 0.1)
    assert verify(SETTINGS, token) is None  # remembered, yet expired all the same


def _claims(**changes):
    now = int(time.time())
    claims = {"iss": "reverie", "sub": "alice", "aud": SETTINGS.token_audience, "iat": now, "exp": now + 60}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims, secret="a-new-secret-of-at-least-32-bytes!", kid="k2", algorithm=ALGORITHM):
    return jwt.encode(claims, secret, algorithm, headers={"kid": kid})


def test_expired_wrong_audience_and_forged_tokens_are_refused():
    assert verify(SETTINGS, _sign(_claims())).user_id == "alice"
    assert verify(SETTINGS, _sign(_claims(exp=int(time.time()) - 60))) is None
    assert verify(SETTINGS, issue(SETTINGS, "alice", ttl_s=-60)) is None
    assert verify(SETTINGS, _sign(_claims(aud="another-service"))) is None
    assert verify(SETTINGS, _sign(_claims(iss="someone-else"))) is None
    assert verify(SETTINGS, _sign(_claims(exp=None))) is None  # no expiry: refused, not eternal
    assert verify(SETTINGS, _sign(_claims(), secret="a-guessed-secret-of-at-least-32-bytes")) is None
    assert verify(SETTINGS, _sign(_claims(), kid="k9")) is None  # an unknown key id
    assert verify(SETTINGS, _sign(_claims(sub="../etc"))) is None
    assert verify(SETTINGS, _sign(_claims(dev="glasses-1"))) is None  # a device token without its registration
    assert verify(SETTINGS, _sign(_claims(), algorithm="HS384")) is None  # not the algorithm we sign with


def test_unsigned_and_tampered_tokens_are_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "k2"}).encode()).rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=").decode()
    assert verify(SETTINGS, f"{header}.{payload}.") is None
    token = issue(SETTINGS, "alice")
    head, body, signature = token.split(".")
    bob = base64.urlsafe_b64encode(json.dumps(_claims(sub="bob")).encode()).rstrip(b"=").decode()
    assert verify(SETTINGS, f"{head}.{bob}.{signature}") is None
    assert bearer(SETTINGS, None) is None
    assert bearer(SETTINGS, "Basic " + token) is None


def test_ids_cannot_carry_paths_and_keys_must_be_pairs():
    with pytest.raises(ValueError):
        issue(SETTINGS, "../etc")
    with pytest.raises(ValueError):
        issue(SETTINGS, "alice", "../../glasses")
    with pytest.raises(ValueError):
        Keyring("just-a-secret")


@given(st.text(max_size=200))
def test_random_tokens_never_verify(token):
    assert verify(SETTINGS, token) is None


OWN_KEY = "own:" + "r" * MIN_SECRET_BYTES


def test_secrets_shorter_than_the_minimum_are_refused_wherever_they_stand():
    assert MIN_SECRET_BYTES >= 32  # HS256: at least SHA-256's output
    Keyring("k:" + "x" * MIN_SECRET_BYTES)  # exactly the minimum is enough
    with pytest.raises(UnsafeKeys, match=r"secret of k is shorter than 32 bytes"):
        Keyring("k:" + "x" * (MIN_SECRET_BYTES - 1))
    with pytest.raises(UnsafeKeys, match="secret of old is shorter") as raised:
        Keyring(f"{OWN_KEY},old:short-verify-only-key")  # a verify-only key forges tokens as well as the first
    assert "short-verify-only-key" not in str(raised.value)  # the message names keys, never shows a secret
    with pytest.raises(UnsafeKeys):
        Keyring("k:" + "é" * (MIN_SECRET_BYTES // 2 - 1))  # bytes are counted, not characters: 30 bytes
    Keyring("k:" + "é" * (MIN_SECRET_BYTES // 2))


def test_short_keys_are_refused_even_on_loopback():
    with pytest.raises(UnsafeKeys, match="shorter than"):
        refuse_unsafe_keys(Settings(token_keys="k:a-short-secret", http_host="127.0.0.1"))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LocalHost"])
def test_the_development_key_serves_on_loopback(host):
    assert is_loopback(host)
    refuse_unsafe_keys(Settings(http_host=host))  # the embedded default keeps working


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.20", "10.0.0.5", "gw.example.com", "2001:db8::1"])
def test_the_development_key_is_refused_beyond_loopback(host):
    assert Settings().token_keys == DEVELOPMENT_TOKEN_KEYS
    assert not is_loopback(host)
    with pytest.raises(UnsafeKeys, match="development key") as raised:
        refuse_unsafe_keys(Settings(http_host=host))
    assert "REVERIE_TOKEN_KEYS" in str(raised.value)
    dev_secret = DEVELOPMENT_TOKEN_KEYS.split(":", 1)[1]
    with pytest.raises(UnsafeKeys, match=r"development key \(old\)"):  # listed after a key of one's own, it verifies
        refuse_unsafe_keys(Settings(token_keys=f"{OWN_KEY},old:{dev_secret}", http_host=host))


def test_keys_of_ones_own_serve_on_every_interface():
    refuse_unsafe_keys(Settings(token_keys=OWN_KEY, http_host="0.0.0.0"))
