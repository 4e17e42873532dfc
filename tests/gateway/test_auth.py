import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.auth import bearer_user, issue, verify

SECRET = "s3cret"


def test_issued_tokens_verify_to_their_user():
    assert verify(SECRET, issue(SECRET, "alice")) == "alice"
    assert bearer_user(SECRET, "Bearer " + issue(SECRET, "bob")) == "bob"


def test_forged_and_foreign_tokens_are_refused():
    alice = issue(SECRET, "alice")
    assert verify("other-secret", alice) is None
    assert verify(SECRET, alice.replace("alice", "bob")) is None
    assert verify(SECRET, alice[:-1] + ("A" if alice[-1] != "A" else "B")) is None
    assert bearer_user(SECRET, None) is None
    assert bearer_user(SECRET, "Basic " + alice) is None


def test_user_ids_cannot_carry_paths():
    with pytest.raises(ValueError):
        issue(SECRET, "../etc")


@given(st.text(max_size=80))
def test_random_tokens_never_verify(token):
    assert verify(SECRET, token) is None
