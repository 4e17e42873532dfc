"""The gateway's error handlers mounted on a tiny Starlette app: every refusal is JSON with the right status."""

import errno
import logging

import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from gateway.errors import ApiError, api_error, http_error, os_error


async def refuse(request: Request) -> JSONResponse:
    headers = {"Retry-After": "7"} if "retry" in request.query_params else None
    raise ApiError(int(request.query_params.get("status", "400")), "no, because", headers)


async def teapot(request: Request) -> JSONResponse:
    raise HTTPException(418, "short and stout", headers={"X-Why": "tea"})


async def disk(request: Request) -> JSONResponse:
    code = getattr(errno, request.query_params["errno"])
    raise OSError(code, "disk says no")


async def fine(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def app() -> Starlette:
    return Starlette(
        routes=[
            Route("/refuse", refuse),
            Route("/teapot", teapot),
            Route("/disk", disk, methods=["POST"]),
            Route("/fine", fine),
        ],
        exception_handlers={ApiError: api_error, HTTPException: http_error, OSError: os_error},
    )


@pytest.fixture
def client():
    with TestClient(app()) as c:
        yield c


def test_api_error_keeps_its_status_message_and_headers():
    exc = ApiError(409, "taken", {"Location": "/x"})
    assert (exc.status, exc.message, exc.headers, str(exc)) == (409, "taken", {"Location": "/x"}, "taken")
    assert ApiError(400, "m").headers is None


@pytest.mark.parametrize("status", [400, 403, 404, 409, 413, 422, 429, 503])
def test_api_error_answers_json_with_its_status(client, status: int):
    response = client.get("/refuse", params={"status": status})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "no, because"}


def test_api_error_headers_reach_the_response(client):
    response = client.get("/refuse", params={"status": 429, "retry": 1})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert "retry-after" not in client.get("/refuse").headers


def test_http_exception_answers_json_with_its_detail_and_headers(client):
    response = client.get("/teapot")
    assert response.status_code == 418
    assert response.json() == {"error": "short and stout"}
    assert response.headers["X-Why"] == "tea"


def test_an_unknown_route_is_a_json_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client):
    response = client.get("/disk", params={"errno": "ENOSPC"})
    assert response.status_code == 405
    assert response.json() == {"error": "Method Not Allowed"}
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("code", ["ENOSPC", "EDQUOT"])
def test_a_full_disk_is_507_with_a_time_to_come_back(client, caplog, code: str):
    with caplog.at_level(logging.ERROR, logger="reverie.gateway"):
        response = client.post("/disk", params={"errno": code})
    assert response.status_code == 507
    assert response.headers["Retry-After"] == "60"
    assert "disk is full" in response.json()["error"]
    assert any("POST /disk refused: the data disk is full" in r.getMessage() for r in caplog.records)


def test_another_os_error_is_not_dressed_up_as_a_full_disk(client):
    with pytest.raises(PermissionError):
        client.post("/disk", params={"errno": "EACCES"})
    with TestClient(app(), raise_server_exceptions=False) as quiet:
        response = quiet.post("/disk", params={"errno": "EACCES"})
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_normal_responses_pass_untouched(client):
    assert client.get("/fine").json() == {"ok": True}
