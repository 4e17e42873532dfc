"""The people agent: FacesDetected → PeopleAssigned. Faces become people incrementally, per user.

Each face joins the person of the user's most similar known face when the similarity reaches the model's
threshold, else it starts a new person. The known faces live in the ``sface`` vector collection, written here
before the next face is looked at, so faces of one capture cluster with each other too. Ids derive from the
capture and the face's place in it: replaying the same events assigns the same people.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.ids import stable_id
from streams.models import factory
from streams.runtime.services import Services


def join(services: Services, user: str, face_id: str, embedding: list[float], **where: Any) -> tuple[str, float]:
    """The person a face belongs to (the nearest known face's, or a new one) and the similarity; the face is
    remembered for the faces that come after it."""
    store = services.face_vectors
    hits = store.search(user, embedding, limit=1)
    if hits and hits[0][2].get("face_id") == face_id:
        person, similarity = hits[0][2]["person_id"], 1.0  # this face, seen before: a replay
    elif hits and hits[0][1] >= factory.faces(services.settings.face_model_dir or None).same_person:
        person, similarity = hits[0][2]["person_id"], hits[0][1]
    else:
        person, similarity = stable_id(user, "person", face_id), 1.0
    store.upsert(user, face_id, embedding, {"face_id": face_id, "person_id": person, **where})
    return person, similarity


def assign(services: Services, event: dict[str, Any]) -> list[dict[str, Any]]:
    user = event["user_id"]
    assignments = []
    for index, face in enumerate(event["faces"]):
        face_id = stable_id(user, event["capture_id"], str(index))
        embedding = list(face["embedding"])
        person, similarity = join(services, user, face_id, embedding, capture_id=event["capture_id"], t=face["t"])
        assignments.append(
            {
                "face_id": face_id,
                "person_id": person,
                "t": face["t"],
                "x": face["x"],
                "y": face["y"],
                "w": face["w"],
                "h": face["h"],
                "similarity": round(similarity, 4),
            }
        )
    return assignments


async def on_faces_detected(services: Services, event: dict[str, Any]) -> None:
    if not await asyncio.to_thread(services.store.face_recognition, event["user_id"]):
        return  # turned off since the faces were found: keep no vector
    assignments = await asyncio.to_thread(assign, services, event)
    await services.emit_derived(
        "PeopleAssigned", event, capture_id=event["capture_id"], model=event["model"], assignments=assignments
    )
