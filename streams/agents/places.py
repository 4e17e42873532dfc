"""The places enricher: MediaProbed with GPS → PlaceResolved (city, region, country), offline.

A capture without GPS gets no PlaceResolved: nothing is guessed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from streams.geo import geocode
from streams.runtime.services import Services

GAZETTEER = "geonames-cities1000+cities15000/reach-1"


async def on_media_probed(services: Services, event: dict[str, Any]) -> None:
    if event["lat"] is None or event["lon"] is None:
        return
    place = await asyncio.to_thread(geocode.gazetteer().nearest, event["lat"], event["lon"])
    await services.emit_derived(
        "PlaceResolved",
        event,
        capture_id=event["capture_id"],
        lat=event["lat"],
        lon=event["lon"],
        city=place.city,
        region=place.region,
        subregion=place.subregion,
        country_code=place.country_code,
        country=place.country,
        distance_km=place.distance_km,
        gazetteer=GAZETTEER,
    )
