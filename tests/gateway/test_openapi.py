"""schemathesis against the running gateway's own /openapi.json: whatever it sends, no 5xx comes back, and every
answer has the body the description gives (each success its own shape, each refusal the error body).

Each operation's hypothesis strategy makes the requests; every answer must be below 500. The other tests are pure:
the description itself, and real handlers' answers (over stand-in read models) checked by schemathesis' own
validation against it.
"""

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.core.transport import Response as Answer
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import Settings
from gateway import auth, people
from gateway.errors import ApiError, api_error
from gateway.guard import DeviceRegistrations
from gateway.openapi import BAD_BODY, ERROR, expand_answer, expand_json_body, schemas
from streams.replay import Progress
from streams.runtime.changes import Changes
from streams.understanding import request as understanding
from streams.understanding.selection import Clip, Frame
from tests.conftest import Served
from tests.gateway.api_schema import operations

EXAMPLES = 25


@pytest.mark.integration
def test_no_request_gets_a_server_error(open_gate: Served):
    headers = {"Authorization": f"Bearer {auth.issue(open_gate.settings, 'fuzzer')}"}
    described = operations(open_gate)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in described:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers, timeout=60)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.operation.label}: {response.status_code} {response.text[:300]}")
            try:
                case.validate_response(response, checks=[response_schema_conformance])
            except AssertionError as error:  # schemathesis raises its own failure types, all AssertionErrors
                failures.append(f"{case.operation.label}: {response.status_code} body: {str(error)[:300]}")

        run()
    assert failures == []
    # the requests reached the handlers (accepted ones, and ones refused for what they said, not for the token)
    assert sum(n for code, n in statuses.items() if code < 300) >= len(described)
    assert statuses[401] == 0, statuses


def test_a_json_body_said_once_becomes_the_full_request_body_and_its_422():
    described = schemas.get_schema(
        routes=[Route("/v1/people/{person_id}/merge", people.merge_person, methods=["POST"])]
    )
    operation = described["paths"]["/v1/people/{person_id}/merge"]["post"]
    assert "jsonBody" not in operation
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"]["required"] == ["into"]
    assert operation["responses"][422] != BAD_BODY  # the handler's own 422 wins
    assert operation["responses"][202]["description"] == "PersonMerged was emitted."


def test_an_operation_without_its_own_422_gets_the_shared_one():
    expanded = expand_json_body({"jsonBody": {"type": "object"}, "responses": {200: {"description": "ok"}}})
    assert expanded["responses"] == {200: {"description": "ok"}, 422: BAD_BODY}
    assert expanded["requestBody"]["content"]["application/json"]["schema"] == {"type": "object"}


def test_every_refusal_is_described_with_the_error_body():
    described = schemas.get_schema(routes=create_app_routes())
    refusals = [
        (path, method, code, answer)
        for path, operations_ in described["paths"].items()
        for method, operation in operations_.items()
        for code, answer in operation["responses"].items()
        if int(code) >= 400
    ]
    assert len(refusals) > 40
    for path, method, code, answer in refusals:
        body = answer.get("content", {}).get("application/json", {}).get("schema")
        if (path, method, code) in OWN_REFUSAL_BODIES:
            assert body not in (None, ERROR), (path, method, code)
            continue
        assert (body == ERROR) == (method != "head"), (path, method, code)  # a HEAD answer has no body
    assert described["components"]["schemas"]["Error"]["required"] == ["error"]


OWN_REFUSAL_BODIES = {("/readyz", "get", 503)}  # not ready says which dependency failed, in readiness' own shape
BODILESS = {("/v1/uploads", "post", 201)}  # tus: the Location header is the whole answer


def test_every_success_describes_its_body():
    described = schemas.get_schema(routes=create_app_routes())
    successes = [
        (path, method, int(code), answer)
        for path, operations_ in described["paths"].items()
        for method, operation in operations_.items()
        for code, answer in operation["responses"].items()
        if int(code) < 300 and method != "head"
    ]
    assert len(successes) >= 44
    for path, method, code, answer in successes:
        if code == 204 or (path, method, code) in BODILESS:
            assert "content" not in answer, (path, method, code)
            continue
        content = answer.get("content")
        assert content, (path, method, code)
        for media_type, body in content.items():
            schema = body["schema"]
            assert "$ref" in schema or "type" in schema, (path, method, code, media_type)
            if media_type == "application/json":
                assert schema.get("$ref") or schema.get("required"), (path, method, code)


def test_answer_schemas_require_what_is_always_there_and_stay_open():
    described = schemas.get_schema(routes=create_app_routes())
    names = set(described["components"]["schemas"])
    answers = [
        answer.get("content", {})
        for operations_ in described["paths"].values()
        for operation in operations_.values()
        for answer in operation["responses"].values()
    ]
    for schema in subschemas([described["components"]["schemas"], answers]):
        if "$ref" in schema:
            assert schema["$ref"].removeprefix("#/components/schemas/") in names, schema["$ref"]
        assert schema.get("additionalProperties") is not False  # an answer may gain a field
        if schema.get("nullable"):
            assert "type" in schema, schema  # OpenAPI 3.0.3: nullable adds null to the type said beside it
        if schema.get("properties") and schema.get("type") == "object" and "required" not in schema:
            raise AssertionError(f"an object that requires nothing checks little: {schema}")


def subschemas(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [s for item in node for s in subschemas(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if "type" in node or "$ref" in node or "oneOf" in node else []
    return own + [s for value in node.values() for s in subschemas(value)]


def test_a_body_said_briefly_becomes_the_answers_content():
    assert expand_answer({"description": "d", "json": {"type": "object"}}) == {
        "description": "d",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    assert expand_answer({"description": "d", "text": "text/plain"})["content"] == {
        "text/plain": {"schema": {"type": "string"}}
    }
    assert expand_answer({"description": "d", "binary": "image/jpeg"})["content"] == {
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
    }
    assert expand_answer({"description": "no body"}) == {"description": "no body"}
    described = schemas.get_schema(routes=[Route("/v1/people/{person_id}/face.jpg", people.person_face)])
    answer = described["paths"]["/v1/people/{person_id}/face.jpg"]["get"]["responses"][200]
    assert set(answer) == {"description", "content"} and list(answer["content"]) == ["image/jpeg"]


# Real handlers over read models that answer as ClickHouse does (projections/tables.py's column types; chDB's
# times are naive), each answer checked by schemathesis against the description, as the fuzzing test does.
USER, AT = "u1", datetime(2025, 6, 12, 9, 15, 30, 250000)
LISBON = {"city": "Lisbon", "region": "Lisboa", "country_code": "PT", "country": "Portugal"}


def stage(memory_id: str, name: str, **fields: Any) -> dict[str, Any]:
    empty = dict.fromkeys(("target_seconds", "planned_seconds", "place", "object_key", "duration_s", "size_bytes"))
    more = dict.fromkeys(("render_seconds", "reason", "playlist_key", "poster_key"))
    row = {"user_id": USER, "memory_id": memory_id, "stage": name, "event_id": f"e-{name}", "occurred_at": AT}
    return {**row, "text": "", "segments": [], **empty, **more, "cache_key": "", "query": "", **fields}


QUERY = json.dumps(
    understanding.parse(
        "a memory of Anna in Lisbon last summer",
        datetime(2026, 6, 17, 15, tzinfo=UTC),
        understanding.Vocabulary(
            people=[{"person_id": "p1", "name": "Anna", "relationship": "wife"}], cities=["Lisbon"]
        ),
    ).as_dict()
)
SEGMENT = {
    "capture_id": "c1",
    "object_key": f"mezzanine/{USER}/c1.mp4",
    "start_s": 0.0,
    "end_s": 4.5,
    "captured_at": "2025-06-12 09:15:30.250000+00:00",
    "why": "shows beach",
    "mezzanine": True,
}
PLAYLIST = f"memories/{USER}/m1/index.m3u8"
PLANNED = {"target_seconds": 120.0, "planned_seconds": 61.5, "place": "Lisbon, PT", "segments": [SEGMENT]}
RENDERED = {"object_key": f"memories/{USER}/m1.mp4", "poster_key": f"memories/{USER}/m1.jpg", "duration_s": 60.1}
MEMORIES = {
    "m1": [
        stage("m1", "requested", text="Anna in Lisbon", query=QUERY),
        stage("m1", "planned", text="Anna in Lisbon", query=QUERY, **PLANNED),
        stage("m1", "playable", playlist_key=PLAYLIST),
        stage("m1", "rendered", playlist_key=PLAYLIST, size_bytes=123456, render_seconds=3.2, **RENDERED),
    ],
    "m2": [stage("m2", "requested", text="Tom"), stage("m2", "failed", reason="no clips found", query=QUERY)],
}


class Store:
    def capture(self, user: str, capture_id: str) -> dict[str, Any] | None:
        if capture_id in ("gone", "refused"):
            return None
        probed = capture_id != "fresh"  # not probed: the clip columns of the LEFT JOIN are defaults and NULLs
        return {
            "capture_id": capture_id,
            "object_key": f"raw/{USER}/{capture_id}.mp4",
            "sha256": "ab" * 32,
            "size_bytes": 1234,
            "kind": "video",
            "probed": int(probed),
            "captured_at": AT if probed else datetime(1970, 1, 1),
            "lat": 38.7 if probed else None,
            "lon": None,
            "duration_s": 12.5 if probed else 0.0,
        }

    def rejection(self, user: str, capture_id: str) -> dict[str, Any] | None:
        if capture_id != "refused":
            return None
        return {"capture_id": capture_id, "object_key": "raw/x.mp4", "stage": "probe", "reason": "not a video"}

    def capture_by_sha(self, user: str, sha256: str) -> dict[str, Any]:
        return {"capture_id": "c1", "object_key": f"raw/{USER}/c1.mp4", "sha256": sha256}

    def assets(self, user: str, capture_id: str) -> dict[str, dict[str, Any]]:
        return {} if capture_id == "fresh" else {"poster": {"object_key": "p.jpg"}, "mezzanine": {"object_key": "m"}}

    def people_on(self, user: str, capture_id: str) -> list[str]:
        return ["p1"]

    def understanding(self, user: str, capture_id: str) -> dict[str, Any]:
        return {"shots": 2, "transcript": None, "tags": [{"label": "seashore", "score": 0.912}]}

    def place(self, user: str, capture_id: str) -> dict[str, Any] | None:
        return None if capture_id == "fresh" else LISBON

    def browse(self, user: str, query: Any) -> list[dict[str, Any]]:
        seen = {"capture_id": "c1", "captured_at": AT, "duration_s": 12.5, "kind": "video", "lat": 38.7, "lon": -9.1}
        seen |= {"city": "Lisbon", "country": "Portugal", "poster_key": "p.jpg", "people": ["p1"]}
        bare = {**seen, "capture_id": "c2", "kind": "photo", "duration_s": 0.0, "lat": None, "lon": None}
        bare |= {"city": "", "country": "", "poster_key": "", "people": []}  # no place, no poster: LEFT JOIN defaults
        return [seen, bare, {**bare, "capture_id": "c3"}][: query.limit]

    def memories_using(self, user: str, capture_id: str) -> list[str]:
        return ["m1"]

    def capture_ids(self, user: str) -> list[str]:
        return ["c1", "c2"]

    def devices(self, user: str) -> list[dict[str, Any]]:
        return [
            {"device_id": "glasses-1", "name": "my glasses", "revoked": 0, "changed_at": AT},
            {"device_id": "phone", "name": "", "revoked": 1, "changed_at": AT},
        ]

    def device_registration(self, user: str, device_id: str) -> str:
        return "e-registered"

    def recordings(self, user: str, device_id: str) -> list[dict[str, Any]]:
        started = {"kind": "video", "started_at": AT, "stopped": 0, "uploaded": 0, "capture_id": None}
        return [
            {"recording_id": "r1", **started},
            {"recording_id": "r2", **started, "kind": "photo", "uploaded": 1, "capture_id": "c1"},
            {"recording_id": "r3", **started, "stopped": 1},
        ]

    def face_recognition(self, user: str) -> bool:
        return True

    def people(self, user: str) -> list[dict[str, Any]]:
        anna = {"person_id": "p1", "name": "Anna", "relationship": "wife", "faces": 3, "captures": 2}
        unnamed = {"person_id": "p2", "name": "", "relationship": None, "faces": 1, "captures": 1}
        return [{**anna, "sample": ("c1", 1.5, 10, 20, 30, 40)}, {**unnamed, "sample": ("c2", 0.0, 1, 2, 3, 4)}]

    def known_people(self, user: str, person_ids: list[str]) -> set[str]:
        return set(person_ids)

    def faces_of(self, user: str, person_id: str) -> list[dict[str, Any]]:
        face = {"capture_id": "c1", "t": 1.5, "x": 10, "y": 20, "w": 30, "h": 40, "similarity": 0.8700000047683716}
        return [{"face_id": "f1", **face}, {"face_id": "f2", **face, "t": 0.0}]

    def enrolment(self, user: str, enrolment_id: str) -> dict[str, Any]:
        if enrolment_id == "done":
            return {"enrolment_id": enrolment_id, "status": "done", "person_id": "p1", "reason": None}
        return {"enrolment_id": enrolment_id, "status": "rejected", "person_id": None, "reason": "no face"}

    def user_places(self, user: str) -> list[dict[str, Any]]:
        return [{"name": "home", "lat": 48.85, "lon": 2.35, "radius_m": 200.0}]

    def people_in_view(self, user: str, device_id: str | None) -> tuple[str, list[str]]:
        return "c1", ["p1"]

    def analyst_query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        return ["n", "at", "name"], [(1, AT, None), (2, AT, "x")]

    def memory(self, user: str, memory_id: str) -> list[dict[str, Any]]:
        return MEMORIES.get(memory_id, [])

    def recent_memories(self, user: str, limit: int) -> list[list[dict[str, Any]]]:
        return list(MEMORIES.values())[:limit]

    def vocabulary(self, user: str) -> dict[str, list[dict[str, Any]]]:
        people_ = [{"person_id": "p1", "name": "Anna", "relationship": "wife"}]
        return {"people": people_, "places": self.user_places(user), "regions": [], "cities": [LISBON]}

    def album_version(self, user: str) -> str:
        return "v1"

    def cached_memory(self, user: str, cache_key: str) -> dict[str, Any] | None:
        return self.cached

    cached: dict[str, Any] | None = None


class Blobs:
    def presigned_url(self, key: str) -> str:
        return f"https://s3.example/{key}?X-Amz-Signature=0"

    def read(self, key: str) -> bytes:
        return b'#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.5,\nseg0.m4s\n#EXT-X-ENDLIST\n'


class Images:
    def vectors_of(self, user: str, capture_id: str) -> list[tuple[dict[str, Any], list[float]]]:
        return [({"capture_id": capture_id, "t": 0.5}, [1.0, 0.0]), ({"capture_id": capture_id, "t": 2}, [0.0, 1.0])]

    def search(self, user: str, vector: list[float], limit: int, exclude: Any = None) -> list[Any]:
        return [("k2", 0.91234567, {"capture_id": "c2", "t": 2.0}), ("k3", 0.5, {"capture_id": "c3", "t": 0.0})]


class Services:
    def __init__(self, folder: Path) -> None:
        self.settings = Settings(data_dir=folder)
        self.store, self.blobs, self.changes = Store(), Blobs(), Changes()

    def collection(self, model: str, size: int) -> Images:
        return Images()

    async def emit_new(self, event_name: str, user_id: str, **fields: Any) -> dict[str, Any]:
        return {"event_id": f"e-{event_name}", "user_id": user_id, **fields}


class SignedIn:
    """What the guard leaves for a handler: the operator token of USER (the guard itself is tested elsewhere)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {}).update(user_id=USER, device_id=None, operator=True)
        await self.app(scope, receive, send)


def retrieved(services: Any, user: str, query: Any, kinds: Any, cut: bool) -> tuple[Any, list[Clip], list[str]]:
    frames = [Frame(0.5, semantic=0.8), Frame(2.0, semantic=0.9, sharpness=0.4)]
    clips = [Clip("c1", "raw/c1.mp4", 12.5, [], AT.replace(tzinfo=UTC), frames, place="Lisbon, PT", matched="shows")]
    clips.append(Clip("c2", "raw/c2.jpg", 0.0, [], AT, []))
    return query, clips, ["c1", "c2"]


COMMANDS = "/v1/devices/{device_id}/commands"
# (method, path as described, path asked, what is sent, the status expected)
ASKED: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("GET", "/healthz", "/healthz", {}, 200),
    ("POST", "/v1/captures", "/v1/captures", {"files": {"file": ("clip.mp4", b"\0\0\0\x18ftypmp42")}}, 200),
    ("GET", "/v1/captures", "/v1/captures?limit=2", {}, 200),
    ("GET", "/v1/captures", "/v1/captures?limit=5", {}, 200),
    ("GET", "/v1/captures/{capture_id}", "/v1/captures/c1", {}, 200),
    ("GET", "/v1/captures/{capture_id}", "/v1/captures/fresh", {}, 200),
    ("GET", "/v1/captures/{capture_id}", "/v1/captures/refused", {}, 200),
    ("DELETE", "/v1/captures/{capture_id}", "/v1/captures/c1", {}, 202),
    ("GET", "/v1/captures/{capture_id}/similar", "/v1/captures/c1/similar?t=1", {}, 200),
    ("DELETE", "/v1/me", "/v1/me", {"json": {"confirm": "forget me"}}, 202),
    ("POST", "/v1/devices", "/v1/devices", {"json": {"device_id": "glasses-2"}}, 201),
    ("GET", "/v1/devices", "/v1/devices", {}, 200),
    ("DELETE", "/v1/devices/{device_id}", "/v1/devices/phone", {}, 202),
    ("POST", COMMANDS, "/v1/devices/g/commands", {"json": {"command": "take_picture"}}, 202),
    ("POST", COMMANDS, "/v1/devices/g/commands", {"json": {"command": "stop_recording"}}, 202),
    ("GET", "/v1/devices/{device_id}/recordings", "/v1/devices/g/recordings", {}, 200),
    ("GET", "/v1/settings", "/v1/settings", {}, 200),
    ("PUT", "/v1/settings/face-recognition", "/v1/settings/face-recognition", {"json": {"enabled": False}}, 202),
    ("GET", "/v1/people", "/v1/people", {}, 200),
    ("POST", "/v1/people/{person_id}", "/v1/people/p1", {"json": {"name": "Anna"}}, 202),
    ("POST", "/v1/people/{person_id}", "/v1/people/p1", {"json": {"name": "Anna", "relationship": "Wife "}}, 202),
    ("POST", "/v1/people/{person_id}/merge", "/v1/people/p2/merge", {"json": {"into": "p1"}}, 202),
    ("GET", "/v1/people/{person_id}/faces", "/v1/people/p1/faces", {}, 200),
    ("GET", "/v1/people/{person_id}/face.jpg", "/v1/people/p1/face.jpg", {}, 200),
    ("POST", "/v1/people/{person_id}/split", "/v1/people/p1/split", {"json": {"face_ids": ["f2"]}}, 202),
    ("GET", "/v1/enrolments/{enrolment_id}", "/v1/enrolments/done", {}, 200),
    ("GET", "/v1/enrolments/{enrolment_id}", "/v1/enrolments/e2", {}, 200),
    ("GET", "/v1/places", "/v1/places", {}, 200),
    ("PUT", "/v1/places/{name}", "/v1/places/Home", {"json": {"lat": 48, "lon": 2.35}}, 202),
    ("DELETE", "/v1/places/{name}", "/v1/places/home", {}, 202),
    ("GET", "/v1/search", "/v1/search?q=Anna+in+Lisbon", {}, 200),
    ("POST", "/v1/voice", "/v1/voice?device_id=g", {"json": {"transcript": "take a picture"}}, 202),
    ("POST", "/v1/voice", "/v1/voice", {"json": {"transcript": "this is my wife anna"}}, 202),
    ("POST", "/v1/voice", "/v1/voice", {"json": {"transcript": "find the beach"}}, 200),
    ("POST", "/v1/voice", "/v1/voice", {"json": {"transcript": "make a memory of Tom"}}, 200),
    ("POST", "/v1/voice", "/v1/voice", {"json": {"transcript": "make a memory of Lisbon"}}, 202),
    ("POST", "/v1/voice", "/v1/voice", {"json": {"transcript": "stop"}}, 200),
    ("POST", "/v1/admin/sql", "/v1/admin/sql", {"json": {"sql": "SELECT 1"}}, 200),
    ("GET", "/v1/admin/replay", "/v1/admin/replay", {}, 200),
    ("POST", "/v1/memories", "/v1/memories", {"json": {"text": "Anna in Lisbon", "target_seconds": 30}}, 202),
    ("GET", "/v1/memories", "/v1/memories", {}, 200),
    ("GET", "/v1/memories/{memory_id}", "/v1/memories/m1", {}, 200),
    ("GET", "/v1/memories/{memory_id}", "/v1/memories/m2", {}, 200),
    ("GET", "/v1/memories/{memory_id}/events", "/v1/memories/m1/events", {}, 200),
    ("GET", "/v1/memories/{memory_id}/playlist.m3u8", "/v1/memories/m1/playlist.m3u8", {}, 200),
]


@pytest.fixture
def handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from streams.understanding import planning

    monkeypatch.setattr(planning, "retrieve", retrieved)
    services = Services(tmp_path)
    face = services.settings.cache_dir / "faces" / USER / "p1-c1-1.500.jpg"
    face.parent.mkdir(parents=True)
    face.write_bytes(b"\xff\xd8\xff\xe0 a face")
    app = Starlette(routes=create_app_routes(), exception_handlers={ApiError: api_error})
    app.add_middleware(SignedIn)
    app.state.services, app.state.devices = services, DeviceRegistrations()
    app.state.replay = type("Running", (), {"progress": Progress(version=2, source="beginning", done=7, total=9)})
    with TestClient(app) as client:
        yield client, services


def test_real_answers_have_the_described_shapes(handlers):
    client, services = handlers
    described = schemathesis.openapi.from_dict(json.loads(json.dumps(schemas.get_schema(routes=create_app_routes()))))
    for method, path, asked, sent, status in ASKED:
        answer = client.request(method, asked, **sent)
        assert answer.status_code == status, (method, asked, answer.text)
        described[path][method].validate_response(as_received(answer, method, asked))
    services.store.cached = {"memory_id": "m1"}
    cached = client.post("/v1/memories", json={"text": "Anna in Lisbon", "target_seconds": 30})
    assert cached.status_code == 200 and cached.json()["cached"] is True
    described["/v1/memories"]["POST"].validate_response(as_received(cached, "POST", "/v1/memories"))


def test_a_wrong_shape_is_caught(handlers):
    client, _ = handlers
    described = schemathesis.openapi.from_dict(json.loads(json.dumps(schemas.get_schema(routes=create_app_routes()))))
    answer = client.get("/v1/memories/m1")
    for broken in ({**answer.json(), "segments": 2}, {**answer.json(), "size_bytes": 1.5}, {"memory_id": "m1"}):
        with pytest.raises(AssertionError):
            described["/v1/memories/{memory_id}"]["GET"].validate_response(
                Answer(200, JSON, json.dumps(broken).encode(), ask("GET", "/v1/memories/m1"), 0.0, True)
            )


JSON = {"content-type": ["application/json"]}


def as_received(answer: Any, method: str, path: str) -> Answer:
    headers = {name: answer.headers.get_list(name) for name in answer.headers.keys()}
    return Answer(answer.status_code, headers, answer.content, ask(method, path), 0.0, True)


def ask(method: str, path: str) -> requests.PreparedRequest:
    return requests.Request(method, f"http://gateway{path}").prepare()


def create_app_routes() -> list:
    from gateway.app import create_app

    class Stub:  # create_app keeps the services object and reads two of its settings
        settings = Settings()

    return list(create_app(Stub()).routes)  # type: ignore[arg-type]
