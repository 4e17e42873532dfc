"""Request bodies read by the real helpers inside a tiny Starlette app with the gateway's error handlers."""

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from gateway.bodies import body_to_file, json_object
from gateway.errors import ApiError, api_error

EXPECTED = '{"text": "..."}'
LIMIT = 1000


def app(folder: Path) -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"got": await json_object(request, EXPECTED)})

    async def save(request: Request) -> JSONResponse:
        path = folder / "body.bin"
        await body_to_file(request, path, LIMIT, "at most 1000 bytes", "send a photo")
        return JSONResponse({"saved": path.stat().st_size})

    return Starlette(
        routes=[Route("/echo", echo, methods=["POST"]), Route("/save", save, methods=["POST"])],
        exception_handlers={ApiError: api_error},
    )


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(app(tmp_path)) as c:
        yield c


def test_a_json_object_is_returned_as_is(client):
    body = {"text": "Paris", "n": [1, 2], "nested": {"a": None}}
    response = client.post("/echo", json=body)
    assert response.status_code == 200
    assert response.json() == {"got": body}


def test_an_empty_object_is_an_object(client):
    assert client.post("/echo", content=b"{}").json() == {"got": {}}


def test_utf8_text_survives(client):
    response = client.post("/echo", content='{"text": "Zürich, 東京"}'.encode())
    assert response.json() == {"got": {"text": "Zürich, 東京"}}


@pytest.mark.parametrize(
    "content",
    [
        b"",  # no body at all
        b"null",
        b"[1, 2]",
        b'"text"',
        b"42",
        b"true",
        b"{not json",
        b'{"text": "a"',  # cut short
        b"\xff\xfe\xfa",  # not text
    ],
)
def test_anything_but_a_json_object_is_a_422_saying_what_was_expected(client, content: bytes):
    response = client.post("/echo", content=content)
    assert response.status_code == 422
    assert response.json() == {"error": f"the body must be a JSON object: {EXPECTED}"}


def test_the_body_streams_to_a_file(client, tmp_path: Path):
    data = bytes(range(256)) * 3

    def chunks():
        for i in range(0, len(data), 100):
            yield data[i : i + 100]

    response = client.post("/save", content=chunks())
    assert response.status_code == 200
    assert response.json() == {"saved": len(data)}
    assert (tmp_path / "body.bin").read_bytes() == data


def test_exactly_the_limit_is_accepted(client, tmp_path: Path):
    response = client.post("/save", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert (tmp_path / "body.bin").stat().st_size == LIMIT


def test_one_byte_past_the_limit_is_a_413(client):
    response = client.post("/save", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.json() == {"error": "at most 1000 bytes"}


def test_a_streamed_body_past_the_limit_is_refused_without_writing_past_it(client, tmp_path: Path):
    def chunks():
        for _ in range(50):
            yield b"y" * 100

    response = client.post("/save", content=chunks())
    assert response.status_code == 413
    assert (tmp_path / "body.bin").stat().st_size <= LIMIT


def test_no_body_is_a_422_saying_what_to_send(client):
    response = client.post("/save")
    assert response.status_code == 422
    assert response.json() == {"error": "send a photo"}
