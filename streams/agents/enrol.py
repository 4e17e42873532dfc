"""The enrol agent: EnrolmentSubmitted → EnrolmentDone. The wearer's own photo seeds the person who is "me".

The photo must show exactly one face. That face joins the nearest known person (or starts one) like any other
face, and that person is named "me" (PersonNamed), keeping a name the user already gave. From then on the
wearer's faces in new captures join "me". The enrolment face is remembered in the face collection only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.ids import stable_id
from streams.agents.people import join
from streams.models import factory
from streams.runtime.services import Services
from streams.video import media

ME = "me"


def enrol(services: Services, event: dict[str, Any]) -> tuple[str | None, str | None]:
    """(person id, None) when one face was found and placed, else (None, why not)."""
    frame = media.photo_frame(services.blobs.fetch(event["object_key"]))
    found = factory.faces(services.settings.face_model_dir or None).predict(frame)
    if len(found) != 1:
        return None, f"the photo must show exactly one face, and {len(found)} were found"
    user = event["user_id"]
    face_id = stable_id(user, "enrolment", event["enrolment_id"])
    person, _ = join(services, user, face_id, found[0].embedding, enrolment_id=event["enrolment_id"])
    return person, None


async def on_enrolment_submitted(services: Services, event: dict[str, Any]) -> None:
    person: str | None
    reason: str | None
    if not await asyncio.to_thread(services.store.face_recognition, event["user_id"]):
        person, reason = None, "face recognition is off for this user"
    else:
        person, reason = await asyncio.to_thread(enrol, services, event)
    if person is not None:
        known = await asyncio.to_thread(services.store.name_of, event["user_id"], person)
        name = known["name"] if known and known["name"] else ME
        await services.emit_derived("PersonNamed", event, person_id=person, name=name, relationship=ME)
    await services.emit_derived(
        "EnrolmentDone", event, enrolment_id=event["enrolment_id"], person_id=person, reason=reason
    )
